"""`inkship record` (a recording proxy in front of a real API) and `inkship replay FILE` (the recording
played against the simulators, with every difference listed). Heavy imports wait for the command."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

DEFAULT_HOST = "127.0.0.1"


@click.command()
@click.option("--target", required=True, metavar="URL",
              help="The API to forward to, e.g. https://ssapi.shipstation.com or https://stores.inksoft.com.")
@click.option("--port", type=int, default=8899, show_default=True, help="Port to listen on.")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("recorded.yaml"),
              show_default=True, help="The scenario file to write (rewritten after every exchange).")
@click.option("--name", default=None, help="The scenario's name (default: from the file name).")
@click.option("--secret", "secrets", multiple=True, envvar="INKSHIP_RECORD_SECRETS",
              help="A value to scrub wherever it appears (repeatable), beyond the credentials seen in use.")
def record(target: str, port: int, host: str, out: Path, name: str | None, secrets: tuple[str, ...]) -> None:
    """Forward to TARGET and write what passes as a masked scenario file: point your code at
    http://HOST:PORT instead of the API, use it, then Ctrl-C. Credentials become placeholders;
    emails, phones, names and streets become consistent fakes."""
    from inkship.testing.record import RecordingProxy, serve

    def announce(exchange: object) -> None:
        click.echo(f"{getattr(exchange, 'method', '')} {getattr(exchange, 'path', '')} -> "
                   f"{getattr(exchange, 'status', '')}", err=True)

    proxy = RecordingProxy(target=target, out=out, name=name or out.stem.replace("_", " "), secrets=secrets,
                           on_exchange=announce)
    click.echo(f"Recording {target} on http://{host}:{port} into {out}; Ctrl-C stops.", err=True)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a recording ends
        serve(proxy, host, port)
    click.echo(f"{len(proxy.exchanges)} exchanges recorded in {out}.", err=True)


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sockets", is_flag=True, help="Serve the simulators on local sockets (port 0).")
def replay(path: Path, sockets: bool) -> None:
    """Replay a recorded scenario file against the simulators: exit 0 when every answer has the
    recorded status, shape, field names and types; else list the differences and exit 1."""
    from inkship.testing.fixturefile import FixtureError
    from inkship.testing.replay import replay as replay_file
    try:
        report = replay_file(path, sockets=sockets)
    except FixtureError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.text())
    if not report.ok:
        raise SystemExit(1)

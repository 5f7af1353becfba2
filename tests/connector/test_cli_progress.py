"""The import's progress bar (`connector/commands/progress.py`): drawn on a terminal for a window of
several pages, one bar whatever the number of pages, closed however the window ends, and never on
output that is not a terminal.

`inkship sync` runs through click's CliRunner against the simulators in process; the bar writes to a
fake terminal the test keeps (a StringIO that says it is a tty, as click asks). The last test runs the
real command under a pseudo-terminal."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from inkship.connector.clients.inksoft import InkSoftClient
from inkship.connector.clients.shipstation import ShipStationClient
from inkship.connector.commands.context import CliContext, Runtime
from inkship.connector.commands.progress import LABEL, ReadingBar
from inkship.connector.state.store import StateStore

from inkship.demo.story import Demo
from tests.connector.test_cli_support import (
    Sims,
    cli_context,
    invoke,
    isolated_cli,  # noqa: F401 - a fixture
    make_sims,
    write_config,
)

pytestmark = pytest.mark.usefixtures("isolated_cli")

ORDERS = 23  # the demo shop's story plus generated orders: several pages of PAGE_SIZE
PAGE_SIZE = 4
SHOW_CURSOR = "\x1b[?25h"  # what click writes when a bar ends: the cursor back, then a new line
FRAME = re.compile(rf"{LABEL}\s+\[[^\]]*\]\s+(\d+)(?:/(\d+))?")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def sims() -> Sims:
    return make_sims(order_count=ORDERS)


@pytest.fixture
def config(tmp_path: Path, sims: Sims, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INKSHIP_INKSOFT_PAGE_SIZE", str(PAGE_SIZE))
    return write_config(tmp_path, sims.credentials)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> FakeTerminal:
    """The terminal the command's bar is drawn on."""
    screen = FakeTerminal()
    monkeypatch.setattr(CliContext, "reading_bar", lambda cli: ReadingBar(file=screen))
    return screen


def _state(config: Path) -> StateStore:
    return StateStore(config.parent / "state.sqlite3")


def frames(screen: FakeTerminal) -> list[tuple[int, int | None]]:
    """Every drawing of the bar: (orders read, bar length or None when unknown)."""
    return [(int(pos), int(length) if length else None) for pos, length in FRAME.findall(screen.getvalue())]


def listed_total(sims: Sims) -> int:
    """What InkSoft counts in the window (TotalResults): the shop's orders, all modified within it."""
    return len(sims.inksoft_state()["orders"])


def test_a_window_of_several_pages_is_one_bar_from_inksofts_count(sims: Sims, config: Path,
                                                                  terminal: FakeTerminal) -> None:
    result = invoke(sims, config, "sync")

    assert result.exit_code == 0, result.output
    drawn = frames(terminal)
    total = listed_total(sims)
    assert total > PAGE_SIZE
    assert {length for _, length in drawn} == {total}  # one bar, its length InkSoft's count
    positions = [pos for pos, _ in drawn]
    assert positions == sorted(positions) and positions[-1] == total
    assert len(set(positions)) > 2  # it moved page by page
    assert terminal.getvalue().count(SHOW_CURSOR) == 1 and terminal.getvalue().endswith(SHOW_CURSOR + "\n")
    assert LABEL not in result.output  # the summary on standard output is unchanged


def test_orders_read_again_after_the_summaries_stay_inside_the_bar(
        sims: Sims, config: Path, terminal: FakeTerminal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKSHIP_SYNC_OVERLAP_MINUTES", "0")  # the next window: only what changes now
    # ShipStation refuses the first pass's orders: they are left pending, to be sent again.
    sims.control(sims.shipstation, "POST", "faults", {"id": "down", "method": "POST", "path": "createorders",
                                                      "action": "status", "status": 400})
    invoke(sims, config, "sync")
    sims.control(sims.shipstation, "DELETE", "faults")
    with _state(config) as state:
        pending = {link.inksoft_id for link in state.pending_links()}
    changed = list(range(1001, 1001 + 2 * PAGE_SIZE - 1))  # two pages of summaries, some of them pending
    for order_id in changed:
        sims.control(sims.inksoft, "PATCH", f"orders/{order_id}", {"Notes": "changed"})
    terminal.seek(0)
    terminal.truncate()

    result = invoke(sims, config, "sync")

    assert result.exit_code == 0, result.output
    drawn = frames(terminal)
    read_again = len(pending - set(changed))
    assert read_again > PAGE_SIZE  # so the read-again orders come after the summaries, over pages
    # InkSoft's count, then grown by the orders read again once the summaries are done; full at the end.
    assert list(dict.fromkeys(length for _, length in drawn)) == [len(changed), len(changed) + read_again]
    assert drawn[-1] == (len(changed) + read_again, len(changed) + read_again)
    assert all(length is not None and pos <= length for pos, length in drawn)


def test_without_a_count_the_bar_counts_the_orders_read(sims: Sims, config: Path,
                                                       terminal: FakeTerminal) -> None:
    sims.control(sims.inksoft, "POST", "quirks", {"null_pagination": True})

    result = invoke(sims, config, "sync")

    assert result.exit_code == 0, result.output
    drawn = frames(terminal)
    assert drawn and all(length is None for _, length in drawn)
    assert "%" not in terminal.getvalue()  # no percentage of an unknown length
    positions = [pos for pos, _ in drawn]
    assert positions == sorted(positions) and len(set(positions)) > 1
    assert terminal.getvalue().endswith(SHOW_CURSOR + "\n")


def test_an_error_mid_window_ends_the_bar_where_it_stood(sims: Sims, config: Path,
                                                        terminal: FakeTerminal) -> None:
    # The second page of summaries is refused: the import pass fails after its first page.
    sims.control(sims.inksoft, "POST", "faults", {"id": "refuse", "method": "*", "path": "GetOrderSummaries",
                                                  "action": "status", "status": 400, "when": "nth", "n": 2})

    result = invoke(sims, config, "sync")

    assert result.exit_code == 1
    assert "import" in result.output.lower()
    drawn = frames(terminal)
    assert drawn and drawn[-1][0] < drawn[-1][1]  # not filled: the window was not read
    assert terminal.getvalue().count(SHOW_CURSOR) == 1 and terminal.getvalue().endswith(SHOW_CURSOR + "\n")


def test_the_bar_ends_with_the_window_not_with_the_pass(sims: Sims, config: Path) -> None:
    screen = FakeTerminal()
    engine = cli_context(sims, config).engine(ReadingBar(file=screen))
    try:
        engine.run_import()
    finally:
        engine.close()

    assert screen.getvalue().endswith(SHOW_CURSOR + "\n")


@pytest.mark.parametrize("where", ["reading InkSoft", "sending to ShipStation"])
def test_ctrl_c_mid_window_ends_the_bar_before_the_interrupt_goes_on(
        sims: Sims, config: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    # Ctrl-C in a read (inside the window) or in a createorders call (the window waiting for its caller).
    client_class, method = ((InkSoftClient, "read_orders") if where == "reading InkSoft"
                            else (ShipStationClient, "create_orders"))
    calls = []
    original = getattr(client_class, method)

    def interrupted_on_the_third_call(client: object, *args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(client, *args, **kwargs)

    monkeypatch.setattr(client_class, method, interrupted_on_the_third_call)
    screen = FakeTerminal()
    bar = ReadingBar(file=screen)
    engine = cli_context(sims, config).engine(bar)

    with pytest.raises(KeyboardInterrupt):
        try:
            engine.run_import()
        finally:
            engine.close()

    assert not bar.drawn
    assert [pos for pos, _ in frames(screen)][-1] in (2 * PAGE_SIZE, 3 * PAGE_SIZE)
    assert screen.getvalue().count(SHOW_CURSOR) == 1 and screen.getvalue().endswith(SHOW_CURSOR + "\n")


def test_one_page_draws_no_bar(sims: Sims, tmp_path: Path, terminal: FakeTerminal,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INKSHIP_INKSOFT_PAGE_SIZE", "100")

    result = invoke(sims, write_config(tmp_path, sims.credentials), "sync")

    assert result.exit_code == 0, result.output
    assert terminal.getvalue() == ""


def test_a_bar_only_on_a_terminal_and_never_with_json(monkeypatch: pytest.MonkeyPatch) -> None:
    def cli(as_json: bool) -> CliContext:
        return CliContext(None, as_json=as_json, verbosity=0, runtime=Runtime())

    monkeypatch.setattr(sys, "stdout", FakeTerminal())
    assert isinstance(cli(False).reading_bar(), ReadingBar)
    assert cli(True).reading_bar() is None
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert cli(False).reading_bar() is None


def test_output_that_is_not_a_terminal_is_unchanged(sims: Sims, config: Path) -> None:
    text = invoke(sims, config, "sync").output
    machine = invoke(sims, config, "--json", "sync").output

    for output in (text, machine):
        assert LABEL not in output and "\r" not in output and "\x1b" not in output
    assert text.startswith("Import:")
    assert machine.startswith("{")


def test_inkship_sync_on_a_real_terminal_draws_the_bar(tmp_path: Path) -> None:
    """`inkship sync` in a pseudo-terminal, against the demo's simulators and its two stores on sockets."""
    demo = Demo(order_count=ORDERS, echo=lambda text: None)
    with ExitStack() as stack:
        demo.start(stack)
        demo.seed()
        env = {**os.environ, "INKSHIP_INKSOFT_PAGE_SIZE": str(PAGE_SIZE), "COLUMNS": "120"}
        main, child = pty.openpty()
        command = [sys.executable, "-m", "inkship", "--config", str(demo.config_path), "sync"]
        with (tmp_path / "stderr").open("w+") as errors, \
                subprocess.Popen(command, stdout=child, stderr=errors, env=env) as process:
            os.close(child)
            shown = _read_all(main)
            process.wait(timeout=120)
        os.close(main)

    assert process.returncode == 0, shown + (tmp_path / "stderr").read_text()
    drawn = FRAME.findall(shown)
    assert drawn, shown
    assert int(drawn[-1][0]) == int(drawn[-1][1])  # one bar for both stores' windows, full at the end
    assert len({length for _, length in drawn}) <= 2  # the second store's count joins once
    assert shown.count(SHOW_CURSOR) == 1
    assert "Import:" in shown.split(SHOW_CURSOR)[-1]  # the summary after the bar, on its own lines


def _read_all(descriptor: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(descriptor, 4096)
        except OSError:  # the other end closed (EIO on Linux)
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


def test_inkship_run_draws_the_bar_of_each_pass(sims: Sims, config: Path, terminal: FakeTerminal) -> None:
    result = invoke(sims, config, "run", "--max-passes", "1", "--interval", "0")

    assert result.exit_code == 0, result.output
    assert frames(terminal)[-1] == (listed_total(sims), listed_total(sims))
    assert terminal.getvalue().endswith(SHOW_CURSOR + "\n")

"""What both simulators' pages share: the page kit (`inkship.webui`) under `/__sim/ui/`, the request
journal pages, and `record_action`, which puts each page action in the journal as an API call is.

Browsing (GET under `/__sim/`) is never journaled; a page action (a POST) is, with the JSON the page
handed to the state, so the journal shows what a developer did in the browser next to the API calls.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, redirect, render_template, request
from inkship.simulators.control import SIM_PREFIX, current_sim
from inkship.simulators.journal import JournalEntry

from inkship.webui import BadInput, choice, install, mask_url, whole_number

UI_PREFIX = SIM_PREFIX + "/ui"
JOURNAL_PAGE_SIZE = 100
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

journal_pages = Blueprint("sim_journal", __name__, url_prefix=UI_PREFIX, template_folder="templates")


def install_pages(app: Flask, site_name: str, nav: tuple[tuple[str, str], ...]) -> None:
    install(app, UI_PREFIX, site_name=site_name, home=UI_PREFIX + "/",
            nav=(*nav, ("Request journal", UI_PREFIX + "/journal")))
    app.jinja_env.filters["mask_url"] = mask_url
    app.register_blueprint(journal_pages)
    # `/__sim/` itself has no JSON to give; a browser sent there wants the pages.
    app.add_url_rule(SIM_PREFIX + "/", "sim_pages_home", lambda: redirect(UI_PREFIX + "/"))


def page_urls(inksoft_url: str, shipstation_url: str) -> list[tuple[str, str]]:
    """Where each simulator's pages are, as `inkship sim` and `inkship demo --keep-running` print them."""
    return [("InkSoft stores and orders", f"{inksoft_url}{UI_PREFIX}/"),
            ("InkSoft new order", f"{inksoft_url}{UI_PREFIX}/orders/new"),
            ("ShipStation orders", f"{shipstation_url}{UI_PREFIX}/orders"),
            ("ShipStation shipments", f"{shipstation_url}{UI_PREFIX}/shipments"),
            ("ShipStation webhooks", f"{shipstation_url}{UI_PREFIX}/webhooks"),
            ("InkSoft request journal", f"{inksoft_url}{UI_PREFIX}/journal"),
            ("ShipStation request journal", f"{shipstation_url}{UI_PREFIX}/journal"),
            ("InkSoft state (JSON)", f"{inksoft_url}{SIM_PREFIX}/state"),
            ("ShipStation state (JSON)", f"{shipstation_url}{SIM_PREFIX}/state")]


def record_action(body: dict[str, Any], status: int) -> None:
    """Journal the page action being served: POST, its path, the JSON given to the state, the answer."""
    sim = current_sim()
    sim.journal.record(JournalEntry(time=sim.clock.now(), method="POST", path=request.path,
                                    body=json.dumps(body, default=str), content_type="application/json",
                                    status=status))


@journal_pages.get("/journal")
def journal_page() -> str:
    method = choice(request.args, "method", METHODS)
    status = whole_number(request.args, "status", required=False, minimum=0, maximum=599)
    path = (request.args.get("path") or "").strip()
    page = whole_number(request.args, "page", required=False, minimum=1) or 1
    entries = current_sim().journal.entries(method=method, path_prefix=path or None, status=status)
    entries.reverse()  # newest first
    shown = entries[(page - 1) * JOURNAL_PAGE_SIZE: page * JOURNAL_PAGE_SIZE]
    return render_template("sim/journal.html", entries=shown, total=len(entries), page=page,
                           pages=max(1, -(-len(entries) // JOURNAL_PAGE_SIZE)), methods=METHODS,
                           method=method or "", status=status, path=path)


@journal_pages.get("/journal/<entry_id>")
def journal_entry(entry_id: str) -> str:
    wanted = whole_number({"entryId": entry_id}, "entryId", minimum=1)
    entry = next((e for e in current_sim().journal.entries() if e["id"] == wanted), None)
    if entry is None:
        raise BadInput(f"No journal entry {wanted} (the journal keeps the latest entries only).", 404)
    return render_template("sim/journal_entry.html", entry=entry, body=_pretty(entry["body"]))


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2)
    except ValueError:
        return body

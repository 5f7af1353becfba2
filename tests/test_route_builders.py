"""The URL builders shared between apps (tests/route_builders.py) are the ones werkzeug would compile."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for
from inkship.connector.config import Config
from inkship.connector.web.app import create_app as create_web_app
from inkship.simulators.inksoft.app import create_app as create_inksoft_app
from inkship.simulators.shipstation.app import create_app as create_shipstation_app

from tests import route_builders


def _same_code(left: Any, right: Any) -> bool:
    a, b = left.__code__, right.__code__
    return (a.co_code, a.co_consts, a.co_names, a.co_varnames, a.co_argcount) == (
        b.co_code, b.co_consts, b.co_names, b.co_varnames, b.co_argcount)


def _apps() -> list[Flask]:
    return [create_shipstation_app(), create_inksoft_app(), create_web_app(Config(), lambda: None)]


def test_the_sharing_is_installed_for_the_test_run() -> None:
    assert route_builders.install()
    assert _apps()[0].url_map.iter_rules()  # apps still build
    assert route_builders._builders  # and their builders were shared


@pytest.mark.parametrize("append_unknown", [True, False])
def test_every_route_gets_the_builder_werkzeug_compiles_for_it(append_unknown: bool) -> None:
    assert route_builders.install()
    rules = [rule for app in _apps() for rule in app.url_map.iter_rules()]
    assert len(rules) > 100
    for rule in rules:
        shared = rule._compile_builder(append_unknown)
        assert _same_code(shared, route_builders.werkzeugs_own(rule, append_unknown)), rule.rule


def test_a_default_inside_the_url_is_never_shared() -> None:
    app = Flask("defaults")
    app.add_url_rule("/page/<int:number>", "page", lambda number: "", defaults={"number": 1})
    app.add_url_rule("/page/<int:number>", "other", lambda number: "", defaults={"number": 2})
    for rule in (r for r in app.url_map.iter_rules() if r.rule == "/page/<int:number>"):
        assert route_builders.shape(rule, True) is None
    with app.test_request_context():
        assert url_for("page") == "/page/1"
        assert url_for("other") == "/page/2"


def test_routes_of_the_same_shape_build_their_own_urls() -> None:
    app = Flask("shapes")
    app.add_url_rule("/a/<name>", "a", lambda name: "")
    app.add_url_rule("/b/<name>", "b", lambda name: "")
    app.add_url_rule("/a/<thing>", "c", lambda thing: "")
    with app.test_request_context():
        assert (url_for("a", name="x y"), url_for("b", name="1"), url_for("c", thing="t", q=2)) == (
            "/a/x%20y", "/b/1", "/a/t?q=2")

"""Issue 10, defect 12: a SHIP_NOTIFY for more labels than one page of its `resource_url` holds (100)
wrote back only the first page. Every page is now followed; `inkship demo --orders 300` exits 0."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from inkship.connector.cli import main

from tests.connector.test_cli_support import isolated_cli  # noqa: F401 - a fixture
from tests.regressions.support import ready


def test_a_ship_notice_for_250_labels_writes_back_all_of_them(world):
    world.add_orders(*(ready(n) for n in range(3000, 3250)))
    world.subscribe_webhooks()
    engine = world.engine()
    engine.run_import()
    world.create_labels(all=True)  # one batch: one SHIP_NOTIFY naming 250 labels
    [hook] = world.webhooks

    report = engine.handle_webhook(hook)

    assert len(report.of("written")) == 250
    assert engine.state.counts()["ledger"]["written"] == 250


@pytest.mark.sockets
@pytest.mark.usefixtures("isolated_cli")
def test_the_demo_with_300_orders_exits_0():
    result = CliRunner().invoke(main, ["demo", "--orders", "300"])
    assert result.exit_code == 0, result.output[-2000:]
    assert result.output.rstrip().endswith("Demo OK: every label is in InkSoft exactly once.")

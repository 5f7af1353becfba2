"""One variable picks the Hypothesis profile; CI is derandomized; stateful tests get their own budget."""

from __future__ import annotations

import pytest
from hypothesis import settings

from tests.hypothesis_profiles import PROFILES, profile_name, stateful_budget, stateful_settings


@pytest.mark.parametrize(("env", "expected"), [
    ({}, "fast"),
    ({"CI": "true"}, "ci"),
    ({"INKSHIP_HYPOTHESIS_PROFILE": "thorough"}, "thorough"),
    ({"CI": "true", "INKSHIP_HYPOTHESIS_PROFILE": "thorough"}, "thorough"),  # asked for wins over CI
])
def test_the_environment_picks_the_profile(env, expected):
    assert profile_name(env) == expected


def test_an_unknown_profile_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match="fast, ci, thorough"):
        profile_name({"INKSHIP_HYPOTHESIS_PROFILE": "quick"})


def test_ci_is_reproducible_and_stateful_runs_have_no_deadline():
    assert settings.get_profile("ci").derandomize is True
    assert settings.get_profile("ci").database is None
    budget = stateful_budget()
    machine = stateful_settings()
    assert (machine.max_examples, machine.stateful_step_count) == (budget.examples, budget.steps)
    assert machine.deadline is None
    assert PROFILES["thorough"][1].examples > PROFILES["fast"][1].examples

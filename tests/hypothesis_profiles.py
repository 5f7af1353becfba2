"""Hypothesis profiles for the whole suite, chosen by one variable: `INKSHIP_HYPOTHESIS_PROFILE`
(`fast`, the default; `thorough`; `ci`, the default when `CI=true`, derandomized so CI is reproducible).

Each profile also carries a budget for stateful tests (programs run, steps per program), read with
`stateful_settings()`: a state-machine example drives both simulators and costs far more than a
property example, so it gets its own, smaller count.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from hypothesis import HealthCheck, settings

PROFILE_VARIABLE = "INKSHIP_HYPOTHESIS_PROFILE"
DEFAULT_PROFILE = "fast"
CI_PROFILE = "ci"


@dataclass(frozen=True)
class StatefulBudget:
    examples: int
    steps: int


# (property examples, stateful budget) per profile.
PROFILES: dict[str, tuple[int, StatefulBudget]] = {
    "fast": (20, StatefulBudget(examples=8, steps=25)),
    "ci": (40, StatefulBudget(examples=8, steps=30)),
    "thorough": (1000, StatefulBudget(examples=300, steps=60)),
}
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]


def register_profiles() -> None:
    for name, (examples, _) in PROFILES.items():
        # CI: the same examples on every run, nothing read from or saved to a local example database.
        reproducible = ({"derandomize": True, "database": None, "print_blob": True} if name == CI_PROFILE
                        else {})
        settings.register_profile(name, max_examples=examples, deadline=None, suppress_health_check=_QUIET,
                                  **reproducible)


def profile_name(env: Mapping[str, str]) -> str:
    """The profile the environment asks for; ValueError naming the choices for an unknown one."""
    chosen = env.get(PROFILE_VARIABLE, "").strip()
    if not chosen:
        return CI_PROFILE if env.get("CI", "").strip().lower() in ("true", "1") else DEFAULT_PROFILE
    if chosen not in PROFILES:
        raise ValueError(f"{PROFILE_VARIABLE}={chosen!r} is not one of {', '.join(PROFILES)}")
    return chosen


def load_profile(env: Mapping[str, str] | None = None) -> str:
    """Register every profile and load the one the environment names; returns its name."""
    register_profiles()
    name = profile_name(os.environ if env is None else env)
    settings.load_profile(name)
    return name


def stateful_budget() -> StatefulBudget:
    """The stateful budget of the loaded profile (the fast one under a profile not registered here)."""
    return PROFILES.get(settings.get_current_profile_name(), PROFILES[DEFAULT_PROFILE])[1]


def stateful_settings() -> settings:
    """Settings for a `RuleBasedStateMachine`: the loaded profile, with its stateful budget and no
    deadline (a step drives both simulators; its time says nothing about a bug)."""
    budget = stateful_budget()
    return settings(settings(), max_examples=budget.examples, stateful_step_count=budget.steps, deadline=None)

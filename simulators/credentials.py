"""The credentials both simulators accept, with defaults, overridable by INKSHIP_SIM_* variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

_ENV_PREFIX = "INKSHIP_SIM_"


@dataclass(frozen=True)
class SimCredentials:
    """Simulator credentials. They are not secrets: `inkship sim` prints them on purpose."""

    shipstation_api_key: str = "sim-key"
    shipstation_api_secret: str = "sim-secret"  # noqa: S105 - a documented simulator default
    inksoft_store: str = "demo_print_shop"
    inksoft_api_key: str = "sim-inksoft-key"
    inksoft_username: str = "fulfil@example.com"
    inksoft_password: str = "sim-password"  # noqa: S105 - a documented simulator default
    inksoft_publisher_id: int = 4242

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SimCredentials:
        """Defaults, overridden by INKSHIP_SIM_<FIELD> (e.g. INKSHIP_SIM_SHIPSTATION_API_KEY)."""
        env = os.environ if env is None else env
        values: dict[str, str | int] = {}
        for f in fields(cls):
            raw = env.get(_ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            if f.type in (int, "int"):
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise ValueError(f"{_ENV_PREFIX}{f.name.upper()} must be an integer") from None
            else:
                values[f.name] = raw
        return cls(**values)  # type: ignore[arg-type]

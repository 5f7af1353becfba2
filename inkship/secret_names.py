"""The one list of parameter and field names that carry credentials, for the connector's redaction and
log filter and the simulators' request journal alike.

It sits at the top of the namespace, beside the version, so both halves import it without either
importing the other (the connector never depends on the simulators, nor they on it).
"""

from __future__ import annotations

import re

# Compared after lower-casing and dropping "-", "_" and blanks, so "SS-Password", "api_secret", "APIKey",
# "X-Api-Key" and "apikey" all match. Covers both APIs, the Custom Store protocol, our configuration and
# the OAuth-style names a third-party client may send to the simulators.
SECRET_NAMES = frozenset({
    "apikey", "apisecret", "password", "sspassword", "sessiontoken", "token", "integrationkey",
    "authorization", "secret", "xapikey", "privatekey", "clientsecret", "accesstoken", "refreshtoken",
})

_SEPARATORS = re.compile(r"[-_\s]")


def normalized_name(name: str) -> str:
    return _SEPARATORS.sub("", name).lower()


def is_secret_name(name: str) -> bool:
    """True when a parameter, header or field with this name holds a credential."""
    return normalized_name(name) in SECRET_NAMES


def secret_name_pattern() -> str:
    """A regular expression (no groups) matching any secret name in free text as people spell it:
    any case, an optional "-" or "_" between letters (`api_key`, `Session-Token`, `x-api-key`)."""
    spelled = ("[-_]?".join(re.escape(letter) for letter in name)
               for name in sorted(SECRET_NAMES, key=len, reverse=True))
    return "(?:" + "|".join(spelled) + ")"

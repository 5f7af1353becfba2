"""Masking for recorded traffic: credentials become placeholders, personal data consistent fakes.

Credentials (API keys, secrets, passwords, session tokens, the Authorization header) are replaced by
placeholders that the replayer fills with the simulator's own credentials (`CREDENTIAL_PLACEHOLDERS`).
Emails, phone numbers, names and streets become fakes that stay the same for the same original within
one recording (keyed by a random salt, so a fake cannot be traced back by hashing guesses). A last pass
over the finished document replaces any credential value still present, wherever it hides.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from typing import Any

# Placeholders the replayer recognises; each stands for one kind of credential.
API_KEY = "<api-key>"
API_SECRET = "<api-secret>"  # noqa: S105 - a placeholder, not a secret
PASSWORD = "<password>"  # noqa: S105 - a placeholder, not a password
SESSION_TOKEN = "<session-token>"  # noqa: S105 - a placeholder, not a token
AUTHORIZATION = "<authorization>"
SECRET = "<secret>"  # noqa: S105 - a placeholder
# Credentials the API refused (it answered 401): replayed as wrong ones, so the simulator refuses too.
REFUSED_CREDENTIALS = "<refused-credentials>"
CREDENTIAL_PLACEHOLDERS = (API_KEY, API_SECRET, PASSWORD, SESSION_TOKEN, AUTHORIZATION, SECRET,
                           REFUSED_CREDENTIALS)

_CREDENTIAL_KEYS = {
    "apikey": API_KEY, "key": API_KEY, "apisecret": API_SECRET, "secret": API_SECRET,
    "clientsecret": API_SECRET, "password": PASSWORD, "sspassword": PASSWORD, "sessiontoken": SESSION_TOKEN,
    "token": SESSION_TOKEN, "accesstoken": SESSION_TOKEN, "refreshtoken": SESSION_TOKEN,
    "authorization": AUTHORIZATION,
}
# In objects that hold an address (a key like street1 or city), these are a person's or a company's.
_ADDRESS_MARKERS = {"street1", "street", "address1", "city", "postalcode", "postcode", "zip"}
# Objects under these keys hold an address even when only a name is filled in.
_ADDRESS_CONTAINERS = {"billto", "shipto", "soldto", "returnaddress", "shipfrom", "customer", "recipient"}
_STREET_KEYS = {"street1", "street2", "street3", "street", "address1", "address2", "address3"}
_ADDRESS_NAME_KEYS = {"name", "company", "companyname", "fullname", "attention"}
_PERSON_KEYS = {"firstname", "lastname", "fullname", "customername", "buyername", "recipientname",
                "shiptoname", "billtoname", "customerusername", "username", "createdby", "customer"}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# An XML element holding text (plain or CDATA), and an address block (ShipTo, BillingAddress...).
XML_TEXT = re.compile(r"<(?P<tag>[\w.:-]+)(?P<attrs>[^<>]*)>"
                      r"(?:<!\[CDATA\[(?P<cdata>.*?)\]\]>|(?P<text>[^<]*))</(?P=tag)>", re.S)
XML_ADDRESS_BLOCK = re.compile(
    r"<(?P<tag>(?i:shipto|billto|soldto|shipfrom|customer|recipient|[\w.:-]*address))"
    r"(?P<attrs>[^<>]*)>(?P<inner>.*?)</(?P=tag)>", re.S)

_FIRST = ("Alex", "Blair", "Casey", "Drew", "Emery", "Finley", "Gray", "Harper", "Jordan", "Kai", "Logan",
          "Morgan", "Noel", "Parker", "Quinn", "Riley", "Sage", "Taylor")
_LAST = ("Abbott", "Bishop", "Carver", "Dalton", "Ellison", "Fairley", "Garland", "Hollis", "Irving",
         "Jarvis", "Keaton", "Lowell", "Mercer", "Norris", "Oakley", "Prescott", "Radley", "Sutton")
_STREETS = ("Maple", "Cedar", "Harbor", "Orchard", "Summit", "Willow", "Meadow", "Juniper", "Lakeview")


def _canonical(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


class Masker:
    """Masks one recording. `secrets_seen` gathers every credential value met, for the last pass."""

    def __init__(self, salt: str | None = None) -> None:
        self._salt = salt or secrets.token_hex(16)
        self.secrets_seen: set[str] = set()

    # -- fakes -------------------------------------------------------------------------------------

    def _number(self, kind: str, value: str) -> int:
        digest = hashlib.sha256(f"{self._salt}|{kind}|{value.strip().lower()}".encode()).digest()
        return int.from_bytes(digest[:8], "big")

    def fake_name(self, value: str) -> str:
        n = self._number("name", value)
        return f"{_FIRST[n % len(_FIRST)]} {_LAST[(n // len(_FIRST)) % len(_LAST)]}"

    def fake_single_name(self, key: str, value: str) -> str:
        n = self._number(key, value)
        return (_FIRST if key == "firstname" else _LAST)[n % len(_FIRST)]

    def fake_email(self, value: str) -> str:
        return f"person{self._number('email', value) % 100000:05d}@example.com"

    def fake_phone(self, value: str) -> str:
        return f"555-01{self._number('phone', value) % 100:02d}"

    def fake_street(self, value: str) -> str:
        n = self._number("street", value)
        return f"{n % 900 + 100} {_STREETS[(n // 900) % len(_STREETS)]} Street"

    # -- masking -----------------------------------------------------------------------------------

    def credential(self, placeholder: str, value: Any) -> str:
        if isinstance(value, str) and value and value not in CREDENTIAL_PLACEHOLDERS:
            self.secrets_seen.add(value)
        return placeholder

    def value_for(self, key: str, value: Any, in_address: bool) -> Any:
        """The masked value of `key: value` (a scalar); containers go through `mask`."""
        canonical = _canonical(key)
        if canonical in _CREDENTIAL_KEYS:
            return self.credential(_CREDENTIAL_KEYS[canonical], value)
        if not isinstance(value, str) or not value:
            return value
        if "email" in canonical:
            return self.fake_email(value)
        if "phone" in canonical or canonical in ("fax", "mobile"):
            return self.fake_phone(value)
        if canonical in ("firstname", "lastname"):
            return self.fake_single_name(canonical, value)
        if canonical in _PERSON_KEYS or (in_address and canonical in _ADDRESS_NAME_KEYS):
            return self.fake_email(value) if EMAIL.fullmatch(value) else self.fake_name(value)
        if canonical in _STREET_KEYS:  # street1, address1...: never anything but a street
            return self.fake_street(value)
        return EMAIL.sub(lambda m: self.fake_email(m.group(0)), value)

    def mask(self, data: Any, key: str = "", in_address: bool = False) -> Any:
        """A masked copy of JSON-like data."""
        if isinstance(data, dict):
            container = _canonical(key)
            address = (container in _ADDRESS_CONTAINERS or container.endswith("address")
                       or any(_canonical(str(k)) in _ADDRESS_MARKERS for k in data))
            return {k: self.mask(v, str(k), address) for k, v in data.items()}
        if isinstance(data, list):
            return [self.mask(item, key, in_address) for item in data]
        return self.value_for(key, data, in_address)

    def mask_text(self, text: str) -> str:
        """A body that is not JSON: XML elements masked by their tag names as JSON keys are (inside
        ShipTo, BillTo or *Address blocks, Name and Company too), then emails faked and known
        credentials removed anywhere."""
        if text.lstrip().startswith("<"):
            text = XML_ADDRESS_BLOCK.sub(self._xml_address_block, text)
            text = XML_TEXT.sub(lambda m: self._xml_element(m, in_address=False), text)
        return self.scrub(EMAIL.sub(lambda m: self.fake_email(m.group(0)), text))

    def _xml_element(self, match: re.Match[str], in_address: bool) -> str:
        tag, value = match["tag"], match["cdata"] if match["cdata"] is not None else match["text"]
        masked = self.value_for(tag, value, in_address)
        if masked == value:
            return match.group(0)
        body = f"<![CDATA[{masked}]]>" if match["cdata"] is not None else masked
        return f"<{tag}{match['attrs']}>{body}</{tag}>"

    def _xml_address_block(self, match: re.Match[str]) -> str:
        inner = XML_TEXT.sub(lambda m: self._xml_element(m, in_address=True), match["inner"])
        return f"<{match['tag']}{match['attrs']}>{inner}</{match['tag']}>"

    def scrub(self, text: str, extra: Iterable[str] = ()) -> str:
        """Replace every credential value seen (longest first) anywhere in `text`."""
        for value in sorted({*self.secrets_seen, *extra}, key=len, reverse=True):
            if len(value) >= 4:  # shorter values would scrub ordinary words and numbers
                text = text.replace(value, SECRET)
        return text

    def scrub_data(self, data: Any) -> Any:
        if isinstance(data, dict):
            return {self.scrub(k) if isinstance(k, str) else k: self.scrub_data(v) for k, v in data.items()}
        if isinstance(data, list):
            return [self.scrub_data(item) for item in data]
        return self.scrub(data) if isinstance(data, str) else data

"""Issue 10, defect 14 (and issue 11): one list of secret names, used by the connector's redaction, its
log filter and the simulators' request journal; each masks every name on it."""

from __future__ import annotations

import logging

import pytest
from inkship.connector.logging import RedactingFilter
from inkship.connector.redact import redact_query, redact_value
from inkship.simulators.journal import mask_credentials

from inkship.secret_names import SECRET_NAMES, is_secret_name

VALUE = "hunter2-very-secret"
# How each name may be spelled on the wire or in a log line.
SPELLINGS = {"apikey": "ApiKey", "apisecret": "api_secret", "password": "Password",
             "sspassword": "SS-Password",
             "sessiontoken": "SessionToken", "token": "token", "integrationkey": "integration_key",
             "authorization": "Authorization", "secret": "secret", "xapikey": "X-Api-Key",
             "privatekey": "private_key", "clientsecret": "client_secret", "accesstoken": "access_token",
             "refreshtoken": "refresh_token"}


def test_every_listed_name_has_a_spelling_here():
    assert set(SPELLINGS) == set(SECRET_NAMES)
    assert all(is_secret_name(spelled) for spelled in SPELLINGS.values())


@pytest.mark.parametrize("name", sorted(SPELLINGS.values()))
def test_connector_redaction_masks_the_name(name):
    assert VALUE not in str(redact_value({name: VALUE}))
    assert VALUE not in redact_query(f"{name}={VALUE}&OrderId=5")


@pytest.mark.parametrize("name", sorted(SPELLINGS.values()))
def test_log_filter_masks_the_name(name):
    record = logging.LogRecord("inkship", logging.WARNING, __file__, 1, "call failed: %s=%s rest",
                               (name, VALUE), None)
    RedactingFilter().filter(record)
    assert VALUE not in record.getMessage()


@pytest.mark.parametrize("name", sorted(SPELLINGS.values()))
def test_simulator_journal_masks_the_name(name):
    masked = mask_credentials({"query": {name: VALUE}, "body": f'{{"{name}": "{VALUE}"}}'})
    assert VALUE not in str(masked)


def test_all_three_take_the_list_from_one_module():
    import inkship.connector.logging as connector_logging
    import inkship.connector.redact as redact
    import inkship.simulators.journal as journal

    assert redact.is_secret_name is is_secret_name
    assert journal.is_secret_name is is_secret_name
    assert connector_logging.secret_name_pattern.__module__ == "inkship.secret_names"

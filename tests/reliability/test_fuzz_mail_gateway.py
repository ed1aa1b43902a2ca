"""The e-mail gateway (``mail.thread.message_process``, what odoo-mailgate calls for
every message reaching an office's alias) under hostile messages: no server error,
nothing stored as live markup."""

from collections import Counter

import pytest
from hypothesis import given

from .common import (
    HEAVY_FUZZ_SETTINGS,
    LIVE_MARKUP_RE,
    RpcError,
    record_outcomes,
    refused_by_the_parser,
)
from .strategies import raw_messages


@pytest.fixture(scope="module")
def gateway(target):
    admin = target.admin()
    if not target.has_model("emowaten.request"):
        pytest.skip("emowaten_petitions is not installed")
    office = admin.call("emowaten.office", "search", [], limit=1)
    if not office:
        pytest.skip("no office to receive e-mail")
    return admin, office[0]


def test_mail_gateway_survives_hostile_messages(gateway):
    admin, office_id = gateway
    outcomes = Counter()

    @HEAVY_FUZZ_SETTINGS
    @given(message=raw_messages())
    def check(message):
        try:
            record_id = admin.call(
                "mail.thread",
                "message_process",
                "emowaten.request",
                message,
                custom_values={"office_id": office_id},
            )
        except RpcError as error:
            if error.business:
                outcomes["refused (business error)"] += 1
                return
            # the standard library's e-mail parser refusing a malformed message
            # inside Odoo's message_parse, before any e-Mowaten code: the MTA bounces
            # it and nothing is stored
            assert refused_by_the_parser(error.debug), (
                f"server error on an incoming e-mail: {error}\n{error.debug}"
            )
            outcomes[f"unparsable, bounced ({error.name})"] += 1
            return
        outcomes["filed" if record_id else "ignored"] += 1
        if not record_id:
            return
        for values in admin.call(
            "mail.message",
            "search_read",
            [("model", "=", "emowaten.request"), ("res_id", "=", record_id)],
            ["body"],
        ):
            body = values["body"] or ""
            assert not LIVE_MARKUP_RE.search(body), f"live markup stored: {body[:500]}"

    check()
    record_outcomes("mail_gateway", outcomes)

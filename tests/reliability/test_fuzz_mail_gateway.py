"""The e-mail gateway (``mail.thread.message_process``, what odoo-mailgate calls for
every message reaching an office's alias) under hostile messages: no server error,
nothing stored as live markup."""

import uuid
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .common import FUZZ_SETTINGS, LIVE_MARKUP_RE, RpcError, record_outcomes
from .strategies import NUL_ALLOWED, hostile_text, unicode_text

CHARSETS = ["utf-8", "iso-8859-1", "windows-1256", "utf-16", "x-unknown", ""]
ENCODINGS = ["8bit", "7bit", "base64", "quoted-printable", "x-bogus"]


@st.composite
def raw_messages(draw):
    """A raw RFC 5322 message, well-formed or not."""
    if draw(st.integers(0, 9)) == 0:
        # pure garbage now and then
        garbage = draw(st.binary(max_size=2000)).decode("latin-1")
        return garbage if NUL_ALLOWED else garbage.replace("\x00", "")
    name = draw(hostile_text)
    local = draw(st.from_regex(r"\A[a-z0-9._%+-]{1,20}\Z"))
    subject = draw(hostile_text)
    body = draw(hostile_text)
    html = draw(st.booleans())
    charset = draw(st.sampled_from(CHARSETS))
    encoding = draw(st.sampled_from(ENCODINGS))
    headers = [
        f'From: "{name}" <{local}@fuzz.example>',
        "To: office@localhost",
        f"Subject: {subject}",
        f"Message-ID: <{uuid.uuid4().hex}@fuzz.example>",
        "MIME-Version: 1.0",
    ]
    if draw(st.booleans()):
        boundary = "b" + uuid.uuid4().hex
        headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        filename = draw(hostile_text)
        attachment = draw(st.binary(max_size=500)).hex()  # hex: never a NUL
        parts = [
            f"--{boundary}\r\nContent-Type: text/{'html' if html else 'plain'}; "
            f"charset={charset}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{body}",
            f"--{boundary}\r\nContent-Type: application/octet-stream\r\n"
            f'Content-Disposition: attachment; filename="{filename}"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n{attachment}",
            f"--{boundary}--",
        ]
        payload = "\r\n".join(parts)
    else:
        headers.append(
            f"Content-Type: text/{'html' if html else 'plain'}; charset={charset}"
        )
        headers.append(f"Content-Transfer-Encoding: {encoding}")
        payload = body
    extra = draw(unicode_text)
    return "\r\n".join(headers) + "\r\n\r\n" + payload + extra


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

    @FUZZ_SETTINGS
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
            assert "in message_parse" in error.debug, (
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

"""Findings of the fuzzers that wait for a fix in another addon. Each one is an xfail
test: it turns into an XPASS (and should then lose its marker) once fixed."""

import uuid

import pytest

from .common import RpcError


@pytest.mark.xfail(
    reason="finding: a NUL character in an incoming e-mail's subject reaches "
    "PostgreSQL through emowaten.request.message_new and fails with ValueError "
    "(the MTA gets an error instead of a filed request or a clean refusal)",
    strict=False,
)
def test_nul_in_email_subject_is_refused_cleanly(target):
    admin = target.admin()
    if not target.has_model("emowaten.request"):
        pytest.skip("emowaten_petitions is not installed")
    office = admin.call("emowaten.office", "search", [], limit=1)
    message = (
        'From: "Citizen" <nul@fuzz.example>\r\nTo: office@localhost\r\n'
        f"Subject: a\x00b\r\nMessage-ID: <{uuid.uuid4().hex}@fuzz.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n"
    )
    try:
        admin.call(
            "mail.thread",
            "message_process",
            "emowaten.request",
            message,
            custom_values={"office_id": office[0]},
        )
    except RpcError as error:
        assert error.business, str(error)

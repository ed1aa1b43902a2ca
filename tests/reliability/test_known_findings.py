"""Findings of the fuzzers, kept as regression tests once fixed in their addon."""

import uuid

import pytest

from .common import RpcError


def test_nul_in_email_subject_is_refused_cleanly(target):
    """Finding: a NUL in an incoming e-mail's subject reached PostgreSQL through
    emowaten.request.message_new (ValueError, the MTA got a server error). Fixed in
    emowaten_petitions (mail_thread.message_parse drops NULs)."""
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

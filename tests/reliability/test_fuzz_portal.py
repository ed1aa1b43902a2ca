"""The public filing form and the tracking page under hostile input: never a server
error or a traceback, never a payload echoed as live markup."""

import re
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .common import (
    FUZZ_SETTINGS,
    HEAVY_FUZZ_SETTINGS,
    INJECTED_RE,
    assert_no_server_error,
    quote,
    record_outcomes,
)
from .strategies import cin, hostile_text

OPTION_RE = r'<select[^>]*name="{}"[^>]*>(.*?)</select>'


def _options(html, name):
    match = re.search(OPTION_RE.format(name), html, re.S)
    return (
        [int(v) for v in re.findall(r'value="(\d+)"', match.group(1))] if match else []
    )


@pytest.fixture(scope="module")
def portal(target, relaxed_throttle):
    client = target.client()
    page = client.get("/emowaten/file")
    if page.status == 404:
        pytest.skip("the public filing form (emowaten_portal) is not installed")
    assert_no_server_error(page, "GET /emowaten/file")
    token = client.csrf("/emowaten/file")
    types = _options(page.text, "type_id") or [0]
    states = _options(page.text, "state_id") or [0]
    return client, token, types, states


def _valid_or(strategy, values):
    # mostly valid, so that most filings pass validation and reach the database
    valid = st.sampled_from(values).map(str)
    return st.one_of(valid, valid, valid, strategy)


filled = hostile_text.filter(lambda text: text.strip())
CODE_RE = re.compile(r'class="o_emowaten_tracking_code[^"]*"[^>]*>([^<]+)<')


def test_filing_form_survives_hostile_input(portal):
    client, token, types, states = portal
    outcomes = Counter()

    @HEAVY_FUZZ_SETTINGS
    @given(data=st.data())
    def check(data):
        fields = {
            "csrf_token": token,
            "type_id": data.draw(_valid_or(hostile_text, types)),
            "state_id": data.draw(_valid_or(hostile_text, states)),
            "subject": data.draw(filled),
            "description": data.draw(filled),
            "name": data.draw(filled),
            # a valid CIN is ASCII digits (\d would draw digits of every script and
            # refuse nearly every filing); the hostile `cin` strategy keeps the rest
            "cin": data.draw(st.one_of(st.from_regex(r"\A[01][0-9]{7}\Z"), cin)),
            "phone": data.draw(
                st.one_of(st.just("+216 20 123 456"), st.just("98765432"), hostile_text)
            ),
            # a valid address makes the receipt (a PDF) render: keep it rare
            "email": data.draw(
                st.one_of(
                    st.just(""),
                    hostile_text,
                    st.integers(0, 9).map(lambda n: "" if n else "citizen@example.com"),
                )
            ),
        }
        if data.draw(st.integers(0, 4)):
            fields["consent"] = "1"
        response = client.post_form("/emowaten/file", fields)
        assert_no_server_error(response, "POST /emowaten/file")
        assert not INJECTED_RE.search(response.text), "payload echoed unescaped"
        if "/thanks" not in response.url:
            outcomes["refused"] += 1
            return
        outcomes["filed"] += 1
        # the citizen's own page shows back what was stored: escaped, never live. The
        # thanks page gives the tracking code, which leads to that page.
        codes = CODE_RE.findall(response.text)
        assert codes, "the thanks page shows no tracking code"
        page = client.get("/emowaten/track/" + quote(codes[0].strip()))
        assert_no_server_error(page, "the citizen's request page")
        assert "/my/requests/" in page.url, f"tracking code led to {page.url}"
        assert not INJECTED_RE.search(page.text), "stored payload rendered live"
        outcomes["+ request page checked"] += 1

    check()
    record_outcomes("portal_form", outcomes)


def test_tracking_survives_hostile_input(portal):
    client, token, _types, _states = portal
    outcomes = Counter()

    @FUZZ_SETTINGS
    @given(reference=hostile_text, cin_value=cin, code=hostile_text)
    def check(reference, cin_value, code):
        response = client.post_form(
            "/emowaten/track",
            {
                "csrf_token": token,
                "reference": reference,
                "cin": cin_value,
                "tracking_code": code,
            },
        )
        assert_no_server_error(response, "POST /emowaten/track")
        assert not INJECTED_RE.search(response.text), "payload echoed unescaped"
        outcomes[f"HTTP {response.status}"] += 1
        if code.strip("/"):
            response = client.get("/emowaten/track/" + quote(code))
            assert_no_server_error(response, "GET /emowaten/track/<code>")
            assert not INJECTED_RE.search(response.text), "payload echoed unescaped"
            outcomes[f"+ GET HTTP {response.status}"] += 1

    check()
    record_outcomes("portal_tracking", outcomes)

"""The public signature verification upload under hostile files: garbage, truncated
and mutated PDFs, PDF bombs. The page must answer (valid or not), never fail."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .common import FUZZ_SETTINGS, INJECTED_RE, assert_no_server_error, record_outcomes
from .files import MINIMAL_PDF, hostile_files


@pytest.fixture(scope="module")
def verify(target):
    client = target.client()
    page = client.get("/emowaten/verify")
    if page.status == 404:
        pytest.skip("the verification page (emowaten_signature) is not installed")
    return client, client.csrf("/emowaten/verify")


@st.composite
def mutated_pdfs(draw):
    data = bytearray(MINIMAL_PDF)
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data) + draw(st.binary(max_size=200))


def test_verification_upload_survives_hostile_files(verify):
    client, token = verify
    outcomes = Counter()

    @FUZZ_SETTINGS
    @given(
        content=st.one_of(st.binary(max_size=4000), mutated_pdfs()),
        name=st.text(max_size=80),
    )
    def check(content, name):
        response = client.post_form(
            "/emowaten/verify/upload",
            {"csrf_token": token},
            files=[("document", name or "x.pdf", content, "application/pdf")],
        )
        assert_no_server_error(response, "POST /emowaten/verify/upload")
        assert not INJECTED_RE.search(response.text)
        outcomes[f"HTTP {response.status}"] += 1

    check()
    record_outcomes("verify_upload", outcomes)


@pytest.mark.parametrize("kind", sorted(hostile_files()))
def test_verification_upload_of_bombs_and_polyglots(verify, kind):
    client, token = verify
    name, content, ctype = hostile_files()[kind]
    response = client.post_form(
        "/emowaten/verify/upload",
        {"csrf_token": token},
        files=[("document", name, content, ctype)],
    )
    assert_no_server_error(response, f"verification of {kind}")

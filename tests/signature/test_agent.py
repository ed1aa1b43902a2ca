"""The workstation signing agent, outside Odoo: a SoftHSM2 token in a temporary
directory, a test CA, the server half of the two-step signature done with the addon's
plain-Python engine, the agent run as a separate process, and the result validated with
pyhanko. No external service: the PKI and the token are local and real."""

import base64
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

ADDON = Path(__file__).resolve().parents[2] / "addons" / "emowaten_signature"
# the agent's package, run as a path (python .../emowaten_sign_agent)
AGENT = ADDON / "agent" / "emowaten_sign_agent"
sys.path.insert(0, str(ADDON))

pades = pytest.importorskip("tools.pades")
softhsm = pytest.importorskip("tools.softhsm")
testpki = pytest.importorskip("tools.testpki")

PIN = "1357"


def one_page_pdf():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.drawString(72, 720, "Réponse favorable")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def token_and_cert():
    token = softhsm.SoftHSMToken(label="agent-pytest", user_pin=PIN)
    pki = testpki.TestPKI()
    pub = token.generate_key("agent-key", b"\x09")
    issued = pki.issue("Agent Signer", public_key=pub)
    token.store_certificate("agent-key", b"\x09", issued.cert_der)
    return token, pki, issued


def run_agent(tmp_path, token, job, pin):
    job_file = tmp_path / "job.json"
    out_file = tmp_path / "out.json"
    job_file.write_text(json.dumps(job))
    proc = subprocess.run(
        [
            sys.executable,
            str(AGENT),
            "--job-file",
            str(job_file),
            "--out",
            str(out_file),
            "--module",
            softhsm.SOFTHSM_LIB,
            "--token-label",
            token.label,
            "--key-label",
            "agent-key",
            "--pin-env",
            "AGENT_PIN",
            "--lang",
            "en",
        ],
        env=dict(token.env, AGENT_PIN=pin),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc, json.loads(out_file.read_text())


def job_for(prepared, issued):
    fingerprint = pades.sha256_hex(issued.cert_der)
    return {
        "job": "PYTEST",
        "certificate": {"fingerprint": fingerprint, "subject": "CN=Agent Signer"},
        "lines": [{"id": 1, "label": "answer", "tbs_digest": prepared["tbs_digest"]}],
    }


def test_agent_signs_prepared_digest(tmp_path, token_and_cert):
    token, pki, issued = token_and_cert
    opts = pades.SignOptions(
        stamp=pades.StampSpec(lines=("وقع", "Signé"), url="http://x")
    )
    prepared = pades.prepare_external(one_page_pdf(), issued.cert_der, [], opts)
    proc, answer = run_agent(tmp_path, token, job_for(prepared, issued), PIN)
    assert proc.returncode == 0, proc.stderr
    signature = base64.b64decode(answer["signatures"][0]["signature"])
    signed = pades.finish_external(prepared, signature, issued.cert_der, [], opts)
    report = pades.validate_pdf(signed, [pki.root.cert_der])
    assert report.valid, [s.summary for s in report.signatures]


def test_agent_wrong_pin(tmp_path, token_and_cert):
    token, _pki, issued = token_and_cert
    prepared = pades.prepare_external(
        one_page_pdf(), issued.cert_der, [], pades.SignOptions()
    )
    proc, answer = run_agent(tmp_path, token, job_for(prepared, issued), "0000")
    assert proc.returncode == 2
    assert answer["error"] == "bad_pin"


def test_agent_refuses_other_certificate(tmp_path, token_and_cert):
    token, pki, issued = token_and_cert
    other = pki.issue("Someone Else")
    prepared = pades.prepare_external(
        one_page_pdf(), other.cert_der, [], pades.SignOptions()
    )
    proc, answer = run_agent(tmp_path, token, job_for(prepared, other), PIN)
    assert proc.returncode == 2
    assert answer["error"] == "wrong_certificate"
    assert "another certificate" in proc.stderr


def test_signature_over_other_digest_is_rejected(token_and_cert):
    _token, _pki, issued = token_and_cert
    prepared = pades.prepare_external(
        one_page_pdf(), issued.cert_der, [], pades.SignOptions()
    )
    with pytest.raises(pades.PadesError) as err:
        pades.finish_external(
            prepared, b"\x00" * 256, issued.cert_der, [], pades.SignOptions()
        )
    assert err.value.code == "signature_mismatch"

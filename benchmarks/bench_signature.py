"""Seconds per signature of a favourable answer (issue 6): e-Mowaten vs bare pyhanko.

e-Mowaten side: ``emowaten.signature.service._emowaten_sign_answers`` on an answer
awaiting signature, i.e. everything a signatory's click does: signing authority and
certificate checks (CRL fetched again), PKCS#11 login on a SoftHSM2 token, the bilingual
stamp (Amiri subset, bidi runs, QR code), PAdES B-LTA (RFC 3161 time-stamp from a local
TSA, CRL in the DSS, document time-stamp), validation of the result with pyhanko,
storage on the answer, audit entry and the e-mail to the citizen (emowaten_petitions'
``action_send``, also shown apart: "without the e-mail"). A batch of 5 answers per
call (one PIN entry) is measured too.

Floor: the same letter PDF, the same token key (login per signature), the same stamp
and the same level (B-LTA: time-stamp, DSS, document time-stamp), called on pyhanko
directly (``PdfSigner.sign_pdf`` with ``embed_validation_info`` and
``use_pades_lta``): no checks, no validation, no Odoo.

Target: e-Mowaten under 1.2x the floor (overhead < 20 %).
Prints numbers, asserts nothing.

    python benchmarks/bench_signature.py [--quick] [--runs 7] [--db h_sig_bench]
        [--reuse] [--keep] [--profile]

Samples of both sides are interleaved, so that the load of the (shared) machine weighs
on both alike.
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

PIN = "2468"
LABEL = "bench-rsa"


def letter_pdf(pages):
    """A letter of ``pages`` full pages of text (reportlab)."""
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    for page in range(pages):
        y = 780
        pdf.drawString(72, y, f"Reponse a la demande BEN-2026-000123 - page {page + 1}")
        for line in range(45):
            y -= 15
            pdf.drawString(
                72,
                y,
                f"Ligne {line + 1}: texte de la reponse favorable de l'administration.",
            )
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def setup(env, tools):
    """Test CA, local TSA/CRL, SoftHSM token and the Odoo records (rolled back
    later)."""
    services = tools["localservices"].LocalServices().start()
    pki = tools["testpki"].TestPKI(crl_url=services.crl_url)
    services.crl_provider = pki.crl
    services.set_tsa(pki.issue("Bench TSA", tsa=True))
    token = tools["softhsm"].SoftHSMToken(label="emowaten-bench", user_pin=PIN)
    pub = token.generate_key(LABEL, b"\x07")
    issued = pki.issue("Bench Signatory", public_key=pub)
    token.store_certificate(LABEL, b"\x07", issued.cert_der)

    env["ir.config_parameter"].set_param("emowaten_signature.tsa_url", services.tsa_url)
    env["emowaten.signature.trust.anchor"].create(
        {"name": "Bench TEST CA", "pem": pki.root.cert_pem.decode(), "is_test": True}
    )
    group = env.ref("emowaten_base.group_emowaten_signatory")
    user = env["res.users"].create(
        {
            "name": "Bench Signatory",
            "login": "bench_signatory",
            "group_ids": [(4, group.id)],
        }
    )
    body = env["emowaten.body"].create(
        {"name": "Bench governorate", "code": "BENCH-SIG", "body_type": "governorate"}
    )
    office = env["emowaten.office"].create(
        {
            "name": "Bench office",
            "code": "BENCH-SIG-O",
            "reference_prefix": "BSG",
            "kind": "governorate",
            "body_id": body.id,
        }
    )
    env["emowaten.signature.authority"].create(
        {
            "user_id": user.id,
            "body_id": body.id,
            "date_from": datetime.date.today() - datetime.timedelta(days=1),
            "function_ar": "والي",
            "function_fr": "Gouverneur",
        }
    )
    cert = env["emowaten.signature.certificate"].create(
        {
            "user_id": user.id,
            "flow": "server_pkcs11",
            "pkcs11_module": tools["softhsm"].SOFTHSM_LIB,
            "token_label": token.label,
            "key_label": LABEL,
        }
    )
    cert.action_read_from_token()
    ptype = env.ref("emowaten_petitions.request_type_petition")
    ptype.signature_required = True
    partner = env["res.partner"].create({"name": "Bench citizen"})
    return {
        "services": services,
        "pki": pki,
        "token": token,
        "user": user,
        "office": office,
        "cert": cert,
        "type": ptype,
        "partner": partner,
    }


def new_answer(env, fx, pdf, tools):
    request = env["emowaten.request"].create(
        {
            "office_id": fx["office"].id,
            "type_id": fx["type"].id,
            "partner_id": fx["partner"].id,
            "subject": "Bench",
            "channel": "counter",
            "state": "registered",
        }
    )
    answer = env["emowaten.answer"].create(
        {"request_id": request.id, "kind": "favourable", "body_html": "<p>Oui.</p>"}
    )
    answer.write({"state": "to_sign"})
    answer._emowaten_store_letter(pdf)
    answer.write(
        {
            "emowaten_letter_sha256": tools["pades"].sha256_hex(pdf),
            "emowaten_content_sha256": answer._emowaten_content_hash(),
        }
    )
    return answer


class Timers:
    """Cumulated seconds spent in some methods during a call, to break the e-Mowaten
    time down: the pyhanko signature itself, the post-signature validation, the
    certificate check (CRL fetched again) and emowaten_petitions' ``action_send`` (the
    e-mail to the citizen that ``_emowaten_mark_signed`` triggers)."""

    def __init__(self, env, tools):
        service = type(env["emowaten.signature.service"])
        self.targets = {
            "send": (type(env["emowaten.answer"]), "action_send"),
            "validate": (service, "_emowaten_validate"),
            "cert_check": (service, "_emowaten_check_certificate"),
            "pyhanko": (tools["pades"], "sign_pdf"),
        }
        self.seconds = dict.fromkeys(self.targets, 0.0)
        self.originals = {}

    def _wrap(self, key, original):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[key] += time.perf_counter() - start

        return timed

    def __enter__(self):
        for key, (owner, name) in self.targets.items():
            original = getattr(owner, name)
            self.originals[key] = original
            setattr(owner, name, self._wrap(key, original))
        return self

    def __exit__(self, *exc):
        for key, (owner, name) in self.targets.items():
            setattr(owner, name, self.originals[key])
        return False


def ours_once(env, fx, pdf, tools, batch=1):
    """One call of the service on ``batch`` new answers: (seconds per answer, seconds
    per answer without the e-mail to the citizen, breakdown per answer)."""
    service = env["emowaten.signature.service"].with_user(fx["user"])
    cert = fx["cert"].with_user(fx["user"])
    answers = env["emowaten.answer"]
    for _j in range(batch):
        answers |= new_answer(env, fx, pdf, tools)
    env.flush_all()
    with Timers(env, tools) as timers:
        start = time.perf_counter()
        result = service._emowaten_sign_answers(
            answers.with_user(fx["user"]), cert, PIN
        )
        env.flush_all()
        elapsed = time.perf_counter() - start
    if result["refused"]:
        raise SystemExit(f"refused: {result['refused']}")
    parts = {k: v / batch for k, v in timers.seconds.items()}
    parts["rest"] = elapsed / batch - sum(parts.values())
    return elapsed / batch, (elapsed - timers.seconds["send"]) / batch, parts


class Floor:
    """pyhanko called directly, same key, stamp, time-stamp and DSS."""

    def __init__(self, env, fx, tools):
        self.tools = tools
        self.fx = fx
        service = env["emowaten.signature.service"].with_user(fx["user"])
        authority = env["emowaten.signature.authority"].search(
            [("user_id", "=", fx["user"].id)]
        )
        lines = service._emowaten_stamp_lines(
            fx["cert"], authority, "0123456789ABCDEF0123", datetime.datetime.now()
        )
        self.style = tools["stamp"].BilingualStampStyle(
            lines=lines,
            url="http://127.0.0.1:8069/emowaten/verify/0123456789ABCDEF0123",
        )

    def once(self, pdf):
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko.sign.timestamps import HTTPTimeStamper

        fx = self.fx
        start = time.perf_counter()
        # login and logout on every signature, like e-Mowaten (one PIN per action)
        signer, close = self.tools["pades"].pkcs11_signer(
            self.tools["softhsm"].SOFTHSM_LIB, fx["token"].label, LABEL, PIN
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        last = int(writer.root["/Pages"]["/Count"]) - 1
        # the same level as e-Mowaten's: PAdES B-LTA through pyhanko's own options
        # (DSS with the chains and the CRL, then a document time-stamp)
        vc = self.tools["pades"].validation_context(
            [fx["pki"].root.cert_der],
            crls=[fx["pki"].crl()],
            revocation_mode="hard-fail",
            allow_fetching=True,
        )
        pdf_signer = signers.PdfSigner(
            signers.PdfSignatureMetadata(
                field_name="Sig",
                md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES,
                embed_validation_info=True,
                use_pades_lta=True,
                validation_context=vc,
            ),
            signer,
            timestamper=HTTPTimeStamper(fx["services"].tsa_url),
            stamp_style=self.style,
            new_field_spec=fields.SigFieldSpec(
                sig_field_name="Sig", on_page=last, box=(40, 40, 400, 130)
            ),
        )
        try:
            pdf_signer.sign_pdf(writer, output=io.BytesIO())
        finally:
            close()
        return time.perf_counter() - start


def measure(env, fx, pdf, runs, tools, floor):
    """Interleaved samples (floor, one answer, batch of 5) so that the load of the
    machine drifts the same way for all; medians after one warm-up round."""
    samples = {
        "floor": [],
        "ours": [],
        "ours_nosend": [],
        "batch": [],
        "batch_nosend": [],
    }
    parts = []
    for i in range(runs + 1):
        f = floor.once(pdf)
        o, o_nosend, o_parts = ours_once(env, fx, pdf, tools)
        b, b_nosend, _b_parts = ours_once(env, fx, pdf, tools, batch=5)
        if i:
            parts.append(o_parts)
            samples["floor"].append(f)
            samples["ours"].append(o)
            samples["ours_nosend"].append(o_nosend)
            samples["batch"].append(b)
            samples["batch_nosend"].append(b_nosend)
    result = {k: statistics.median(v) for k, v in samples.items()}
    result["parts"] = {k: statistics.median(p[k] for p in parts) for k in parts[0]}
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 7")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--db", default="h_sig_bench")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing --db")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print a cProfile of one e-Mowaten signature",
    )
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 7)
    common.ensure_venv()
    if not args.reuse:
        common.create_db(args.db, ["emowaten_signature"], f"/tmp/{args.db}.log")
    odoo = common._import_odoo()
    reg = common.registry(args.db)
    from odoo.addons.emowaten_signature.tools import (
        localservices,
        pades,
        softhsm,
        stamp,
        testpki,
    )

    tools = {
        "localservices": localservices,
        "pades": pades,
        "softhsm": softhsm,
        "stamp": stamp,
        "testpki": testpki,
    }
    rows = []
    with reg.cursor() as cr:
        env = odoo.api.Environment(
            cr, odoo.SUPERUSER_ID, {"mail_create_nolog": True, "tracking_disable": True}
        )
        fx = setup(env, tools)
        if args.profile:
            import cProfile
            import pstats

            pdf = letter_pdf(1)
            ours_once(env, fx, pdf, tools)
            prof = cProfile.Profile()
            prof.enable()
            ours_once(env, fx, pdf, tools)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
        floor = Floor(env, fx, tools)
        try:
            for pages in (1, 20):
                pdf = letter_pdf(pages)
                common.log(f"{pages}-page letter: {len(pdf)} bytes")
                m = measure(env, fx, pdf, runs, tools, floor)
                for label, key in (
                    (f"sign {pages}-page answer", "ours"),
                    (f"sign {pages}-page answer, without the e-mail", "ours_nosend"),
                    (f"sign {pages}-page answer, batch of 5 (per answer)", "batch"),
                    ("  same, without the e-mail", "batch_nosend"),
                ):
                    rows.append(
                        common.Row(
                            operation=label,
                            ours=m[key],
                            other=m["floor"],
                            other_name="bare pyhanko",
                            unit="s",
                            target="< 1.2x (overhead < 20 %)",
                        )
                    )
                print(
                    f"{pages:>2} page(s): bare pyhanko {m['floor']:.3f} s; e-Mowaten "
                    f"{m['ours']:.3f} s ({100 * (m['ours'] / m['floor'] - 1):+.0f} %), "
                    f"without the e-mail {m['ours_nosend']:.3f} s "
                    f"({100 * (m['ours_nosend'] / m['floor'] - 1):+.0f} %); batch of 5 "
                    f"{m['batch']:.3f} s/answer "
                    f"({100 * (m['batch'] / m['floor'] - 1):+.0f} %), "
                    "without the e-mail "
                    f"{m['batch_nosend']:.3f} s "
                    f"({100 * (m['batch_nosend'] / m['floor'] - 1):+.0f} %)",
                    flush=True,
                )
                print(
                    "    one answer, breakdown (s): "
                    + ", ".join(f"{k} {v:.3f}" for k, v in m["parts"].items()),
                    flush=True,
                )
        finally:
            cr.rollback()
            fx["services"].stop()
    print(f"runs per figure: {runs} (median), PAdES B-LT, RSA-2048 on SoftHSM2")
    common.print_table(rows)
    if not args.reuse and not args.keep:
        common.drop_db(args.db)
    os.environ.pop("SOFTHSM2_CONF", None)


if __name__ == "__main__":
    main()

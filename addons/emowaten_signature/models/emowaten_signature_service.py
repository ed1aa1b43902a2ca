import base64
import logging
import random
import secrets
import time

import pytz

from odoo import api, fields, models, modules
from odoo.exceptions import UserError
from odoo.service.model import (
    MAX_TRIES_ON_CONCURRENCY_FAILURE,
    PG_CONCURRENCY_EXCEPTIONS_TO_RETRY,
)
from odoo.tools import SQL

from ..tools import pades
from .emowaten_signature_certificate import SIGNING_STATES

_logger = logging.getLogger(__name__)

CERT_REFUSALS = {
    "expired": "cert_expired",
    "not_yet_valid": "cert_not_yet_valid",
    "revoked": "cert_revoked",
    "untrusted": "cert_untrusted",
    "draft": "cert_untrusted",
    "not_checked": "cert_not_checked",
    "bad_usage": "cert_bad_usage",
}
# what the token said, turned into a message of its own
TOKEN_REFUSALS = (
    "bad_pin",
    "pin_locked",
    "token_library",
    "token_absent",
    "token_not_found",
    "key_not_found",
)
# The stamp is bilingual by design (the letter is an official Tunisian document): its
# Arabic and French wording does not follow the user's interface language.
LTR_EMBED = "\u202a%s\u202c"
STAMP_SUFFIX = {
    "titular": ("", ""),
    "delegation": ("بالتفويض", "par délégation"),
    "interim": ("بالنيابة", "par intérim"),
}


class SignatureRefusal(UserError):
    """A refused signature: ``code`` is one of ``emowaten.signature.log`` REFUSALS."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class EmowatenSignatureService(models.AbstractModel):
    """The signing engine seen from Odoo: checks (authority, certificate, unchanged
    document), the three flows, validation of the result and the audit trail."""

    _name = "emowaten.signature.service"
    _description = "Signature Service"

    # ------------------------------------------------------------- messages
    def _emowaten_refusal(self, code, **params):
        """The refusal exception for ``code``, with its translated message."""
        params.setdefault("cert", "")
        params.setdefault("doc", "")
        params.setdefault("detail", "")
        if code in TOKEN_REFUSALS:
            return SignatureRefusal(code, self._emowaten_token_message(code, params))
        if code == "not_authorised":
            message = self.env._(
                "%(user)s is not an authorised signatory of %(body)s on %(date)s.",
                user=params.get("user", ""),
                body=params.get("body", ""),
                date=params.get("date", ""),
            )
        elif code == "cert_expired":
            message = self.env._(
                "The certificate %(cert)s has expired.", cert=params["cert"]
            )
        elif code == "cert_not_yet_valid":
            message = self.env._(
                "The certificate %(cert)s is not valid yet.", cert=params["cert"]
            )
        elif code == "cert_revoked":
            message = self.env._(
                "The certificate %(cert)s has been revoked.", cert=params["cert"]
            )
        elif code == "cert_untrusted":
            message = self.env._(
                "The certificate %(cert)s does not chain up to a configured trust "
                "anchor.",
                cert=params["cert"],
            )
        elif code == "cert_not_checked":
            message = self.env._(
                "The revocation status of the certificate %(cert)s could not be "
                "checked: the revocation server (CRL or OCSP) does not answer and no "
                "current revocation list is stored. Signing is refused until it can "
                "be checked: try again later, or ask your administrator.",
                cert=params["cert"],
            )
        elif code == "cert_bad_usage":
            message = self.env._(
                "The certificate %(cert)s is not a signature certificate (its key "
                "usage does not include non-repudiation): use your signature "
                "certificate.",
                cert=params["cert"],
            )
        elif code == "cert_other_user":
            message = self.env._(
                "The certificate %(cert)s belongs to another user.", cert=params["cert"]
            )
        elif code == "document_changed":
            message = self.env._(
                "The answer %(doc)s changed since it was prepared for signature: "
                "prepare it "
                "again and check it before signing.",
                doc=params["doc"],
            )
        elif code == "signature_mismatch":
            message = self.env._(
                "The signature sent by the signing agent does not match the prepared "
                "document %(doc)s.",
                doc=params["doc"],
            )
        elif code == "not_to_sign":
            message = self.env._(
                "The answer %(doc)s is not awaiting a signature.", doc=params["doc"]
            )
        elif code == "invalid_result":
            message = self.env._(
                "The signed document %(doc)s did not pass validation; it was not "
                "stored.",
                doc=params["doc"],
            )
        else:
            code = "token_error"
            message = self.env._(
                "The signing token failed: %(detail)s", detail=params["detail"]
            )
        return SignatureRefusal(code, message)

    def _emowaten_token_message(self, code, params):
        """The message for a refusal of the token itself (``TOKEN_REFUSALS``).
        ``params["where"] == "workstation"``: the token of the signing agent, on the
        signatory's computer (what to do differs from a token on the server)."""
        if params.get("where") == "workstation":
            message = self._emowaten_agent_token_message(code, params)
            if message:
                return message
        if code == "bad_pin":
            return self.env._(
                "Wrong PIN or passphrase: the token refused to sign. Type the PIN "
                "again and press Sign."
            )
        if code == "pin_locked":
            return self.env._(
                "The PIN of the token %(token)s is locked after too many wrong "
                "entries. Ask your administrator to unblock it "
                "with the security officer PIN (SO PIN), then sign again.",
                token=params.get("token", ""),
            )
        if code == "token_library":
            return self.env._(
                "The token software (PKCS#11 library %(module)s) cannot be loaded on "
                "the server. Ask your administrator to install "
                "it, or to correct the library in your certificate.",
                module=params.get("module", ""),
            )
        if code == "token_absent":
            return self.env._(
                "No signing token is connected to the server. Plug the token in (or "
                "ask your administrator to start the HSM), then press Sign again."
            )
        if code == "token_not_found":
            return self.env._(
                "The token %(token)s of your certificate is not connected (tokens "
                "found: %(found)s). Plug in the right token, or "
                "ask your administrator to correct the token label of your "
                "certificate.",
                token=params.get("token", ""),
                found=params.get("found", "") or "-",
            )
        if code == "key_not_found":
            return self.env._(
                "The token %(token)s holds no key and certificate labelled %(key)s. "
                "Ask your administrator to correct the key label "
                "of your certificate.",
                token=params.get("token", ""),
                key=params.get("key", ""),
            )
        return self.env._("The token refused to sign.")

    def _emowaten_agent_token_message(self, code, params):
        """The workstation flow's message for ``code``, or None (then the server's
        message applies as it is)."""
        again = self.env._(
            "Then press Sign in the signing dialog for a new command and run it."
        )
        if code == "bad_pin":
            message = self.env._(
                "Wrong PIN: the token on your computer refused to sign, and nothing "
                "was signed."
            )
        elif code == "token_absent":
            message = self.env._(
                "The signing agent found no token plugged into your computer. Plug "
                "your USB token in."
            )
        elif code == "token_library":
            message = self.env._(
                "The signing agent could not load the token software (PKCS#11 "
                "library %(module)s) on your computer. Install your token's driver, "
                "or ask your administrator to correct the library of your "
                "certificate.",
                module=params.get("module", ""),
            )
        elif code == "token_not_found":
            message = self.env._(
                "The token %(token)s is not plugged into your computer (tokens "
                "found: %(found)s). Plug in the right token, or ask your "
                "administrator to correct the token label of your certificate.",
                token=params.get("token", ""),
                found=params.get("found", "") or "-",
            )
        else:
            return None
        return f"{message} {again}"

    # ---------------------------------------------------------- parameters
    def _emowaten_param(self, key, default=None):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(f"emowaten_signature.{key}", default)
        )

    @api.model
    def _emowaten_trust_roots(self):
        return self.env["emowaten.signature.trust.anchor"]._emowaten_certificates()

    @api.model
    def _emowaten_verify_url(self, token):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return "{}/emowaten/verify/{}".format(base.rstrip("/"), token)

    @api.model
    def _emowaten_new_token(self):
        return secrets.token_hex(10).upper()

    # --------------------------------------------------------------- checks
    def _emowaten_flag(self, key, default=False):
        """A yes/no setting: the settings screen stores "True" (and removes the
        parameter when unticked), data files and scripts may store "1"."""
        value = self._emowaten_param(key, None)
        if value is None:
            return default
        return str(value).strip().lower() not in ("", "0", "false", "no", "off")

    def _emowaten_check_certificate(self, certificate, user):
        name = certificate.name or certificate.serial or ""
        if certificate.user_id != user:
            raise self._emowaten_refusal("cert_other_user", cert=name)
        certificate._emowaten_check()
        if certificate.state not in SIGNING_STATES:
            raise self._emowaten_refusal(CERT_REFUSALS[certificate.state], cert=name)
        if certificate.state == "not_checked":
            # fails closed: only an explicit setting lets an unchecked certificate
            # sign, and every such signature is recorded
            if not self._emowaten_flag("allow_unchecked_revocation"):
                raise self._emowaten_refusal("cert_not_checked", cert=name)
            _logger.warning(
                "Signing with certificate %s (id %s) of user %s although its "
                "revocation could not be checked (%s): allowed by the setting "
                "emowaten_signature.allow_unchecked_revocation",
                name,
                certificate.id,
                user.login,
                certificate.revocation_detail,
            )
            certificate.sudo().message_post(
                body=self.env._(
                    "Used to sign although its revocation status could not be "
                    'checked (%(detail)s): allowed by the setting "Allow Signing When '
                    'Revocation Cannot Be Checked".',
                    detail=certificate.revocation_detail or "-",
                ),
                message_type="notification",
            )
        return True

    def _emowaten_check_answer(self, answer, user, date):
        # the authority first, read as superuser: the answer of a body the user does
        # not sign for may not be readable by him, and he is told why he cannot sign
        # it rather than given an access error
        authority = self.env["emowaten.signature.authority"]._emowaten_find(
            user, answer.sudo().body_id, date
        )
        if not authority:
            raise self._emowaten_refusal(
                "not_authorised",
                user=user.name,
                body=answer.sudo().body_id.display_name,
                date=fields.Date.to_string(date),
            )
        if answer.state != "to_sign":
            raise self._emowaten_refusal("not_to_sign", doc=answer.display_name)
        if not answer._emowaten_letter_unchanged():
            raise self._emowaten_refusal("document_changed", doc=answer.display_name)
        return authority

    # ---------------------------------------------------------------- stamp
    def _emowaten_stamp_lines(self, certificate, authority, token, when):
        local = pytz.utc.localize(when).astimezone(pytz.timezone("Africa/Tunis"))
        date_txt = local.strftime("%d/%m/%Y %H:%M")
        name_ar = certificate.signer_name_ar or certificate.user_id.name
        name_fr = (
            certificate.signer_name_fr
            or certificate.common_name
            or certificate.user_id.name
        )
        suffix_ar, suffix_fr = STAMP_SUFFIX[authority.kind]
        code = "-".join(token[i : i + 4] for i in range(0, len(token), 4))
        lines = [f"أمضاه إلكترونيا: {name_ar}"]
        if authority.function_ar or suffix_ar:
            lines.append(" ".join(p for p in (authority.function_ar, suffix_ar) if p))
        lines.append(f"بتاريخ {date_txt} بتوقيت تونس")
        lines.append(f"Signé électroniquement par {name_fr}")
        if authority.function_fr or suffix_fr:
            lines.append(" ".join(p for p in (authority.function_fr, suffix_fr) if p))
        lines.append(f"le {date_txt} (heure de Tunis)")
        # the code is an embedded left-to-right run (LRE ... PDF): after the Arabic
        # label, a code starting with a digit would otherwise join the Arabic run and
        # print as "9 : رمز التحقق ADB-..."
        lines.append(f"Code de vérification / رمز التحقق : {LTR_EMBED % code}")
        return tuple(lines)

    def _emowaten_sign_options(self, answer, certificate, authority, token):
        """pyhanko's options for this answer. With "embed revocation" and the
        certificate's CRL, pyhanko embeds the validation data itself (B-LT) and, with
        a time-stamping authority, the document time-stamp (B-LTA); without, B-T (TSA)
        or B-B."""
        context = None
        crls = certificate._emowaten_crl_list()
        # revocation data is embedded only when it is current (a certificate
        # allowed to sign unchecked has none to embed)
        if (
            crls
            and certificate.revocation_state == "good"
            and self._emowaten_flag("embed_revocation", True)
        ):
            try:
                timeout = float(self._emowaten_param("crl_timeout", 5) or 5)
            except ValueError:
                timeout = 5.0
            context = pades.long_term_context(
                self._emowaten_trust_roots(), crls=crls, fetch_timeout=timeout
            )
        return pades.SignOptions(
            field_name=f"eMowaten-{token}",
            reason=self.env._("Answer %s", answer.request_id.name or ""),
            location=answer.body_id.name or "",
            name=certificate.common_name or "",
            stamp=pades.StampSpec(
                lines=self._emowaten_stamp_lines(
                    certificate, authority, token, fields.Datetime.now()
                ),
                url=self._emowaten_verify_url(token),
            ),
            tsa_url=self._emowaten_param("tsa_url", "") or "",
            validation_context=context,
        )

    # ----------------------------------------------------------- validation
    @api.model
    def _emowaten_validate(self, pdf_bytes, own_output=False, roots=None):
        """pyhanko validation against the trust anchors (``roots``: those already
        read, so that no query is made), always with the revision analysis.
        ``own_output``: the document was produced by this very call, with a
        certificate checked just before (revocation included): embedded revocation
        data is used when present but not required. Documents from outside
        (verification page) must have a known revocation status: embedded, else
        fetched from the certificates' distribution points within the configured
        timeout, else the verdict is "could not be checked"."""
        if roots is None:
            roots = self._emowaten_trust_roots()
        timeout = None
        if not own_output:
            try:
                timeout = float(self._emowaten_param("crl_timeout", 5) or 5)
            except ValueError:
                timeout = 5.0
        with pades.quiet_validation():
            return pades.validate_pdf(
                pdf_bytes,
                roots,
                require_revocation=not own_output,
                fetch_timeout=timeout,
            )

    def _emowaten_complete(
        self,
        answer,
        certificate,
        signed_pdf,
        hash_before,
        token,
        opts,
        batch_ref,
        report=None,
    ):
        """Validate what was produced (unless ``report`` is the validation already
        made), then store it on the answer and log it."""
        if report is None:
            report = self._emowaten_validate(signed_pdf, own_output=True)
        if not report.valid:
            # what pyhanko said, for the administrator: the refusal only says "invalid"
            _logger.info(
                "Signed %s did not validate: %s",
                answer.display_name,
                report.error or [(s.verdict, s.summary) for s in report.signatures],
            )
            raise self._emowaten_refusal("invalid_result", doc=answer.display_name)
        # the validator's own verdict, revision analysis included
        sig = report.signatures[-1]
        level = opts.level
        # the e-mail carrying the signed letter is written in the citizen's language,
        # not in the signatory's
        answer.with_context(
            lang=answer.partner_id.lang or self.env.lang
        )._emowaten_mark_signed(signed_pdf)
        return self.env["emowaten.signature.log"]._emowaten_record(
            {
                "event": "signed",
                "answer_id": answer.id,
                "certificate_id": certificate.id,
                "level": level,
                "hash_before": hash_before,
                "hash_after": pades.sha256_hex(signed_pdf),
                "verification_token": token,
                "signed_attachment_id": answer.signed_attachment_id.id,
                "batch_ref": batch_ref,
                "validation_verdict": sig.verdict,
                "modification_level": sig.modification or False,
                "message": sig.summary,
            }
        )

    def _emowaten_log_refusal(self, answers, certificate, refusal, batch_ref=None):
        _logger.info("Signature refused (%s): %s", refusal.code, refusal.args[0])
        Log = self.env["emowaten.signature.log"]
        for answer in answers or [self.env["emowaten.answer"]]:
            Log._emowaten_record(
                {
                    "event": "refused",
                    "refusal": refusal.code,
                    "message": refusal.args[0],
                    "answer_id": answer.id or False,
                    "certificate_id": certificate.id or False,
                    "batch_ref": batch_ref,
                }
            )

    # ----------------------------------------------------- flows a and c
    def _emowaten_open_signer(self, certificate, secret):
        """A pyhanko signer for the server-side flows, plus a closing callable."""
        if certificate.flow == "pkcs12":
            if not certificate.sudo().pkcs12_file:
                raise self._emowaten_refusal(
                    "token_error", detail=self.env._("no PKCS#12 file")
                )
            try:
                signer = pades.pkcs12_signer(
                    base64.b64decode(certificate.sudo().pkcs12_file), secret or ""
                )
            except pades.PadesError as exc:
                raise self._emowaten_refusal("bad_pin") from exc
            if pades.sha256_hex(signer.signing_cert.dump()) != certificate.fingerprint:
                raise self._emowaten_refusal(
                    "token_error",
                    detail=self.env._("the PKCS#12 file holds another certificate"),
                )
            return signer, lambda: None
        try:
            signer, close = pades.pkcs11_signer(
                certificate.pkcs11_module,
                certificate.token_label,
                certificate.key_label,
                secret,
                use_raw=certificate.use_raw_mechanism,
                softhsm_conf=certificate._emowaten_softhsm_conf(),
            )
        except pades.PadesError as exc:
            if exc.code in TOKEN_REFUSALS:
                raise self._emowaten_refusal(
                    exc.code,
                    module=certificate.pkcs11_module or "",
                    token=certificate.token_label or "",
                    key=certificate.key_label or "",
                    found=exc.detail if exc.code == "token_not_found" else "",
                ) from exc
            raise self._emowaten_refusal("token_error", detail=exc.detail) from exc
        return signer, close

    def _emowaten_step(self, commit, work):
        """Run ``work()`` as one step of a signing run and return its result: with
        ``commit``, a transaction of its own, committed when it succeeds and rolled
        back when it raises; without (tests, which run in one transaction), a
        savepoint."""
        cr = self.env.cr
        if not commit:
            with cr.savepoint():
                return work()
        try:
            result = work()
            # a signed answer must not be undone by the next one, nor wait for the end
            # of a batch that a killed worker would roll back whole
            cr.commit()  # pylint: disable=invalid-commit
        except BaseException:
            cr.rollback()
            raise
        return result

    def _emowaten_step_retried(self, commit, work, label):
        """``_emowaten_step``, run again (after a growing random pause) when it met a
        concurrent transaction; the last concurrency error is raised. The retries are
        logged like Odoo's own RPC retries, and as many (Odoo's ``retrying`` itself does
        not fit: it keeps what a failed step wrote unless the failure is a concurrency
        error, and pauses up to 16 s)."""
        tries = MAX_TRIES_ON_CONCURRENCY_FAILURE
        for tryleft in range(tries - 1, -1, -1):
            try:
                return self._emowaten_step(commit, work)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
                if not tryleft:
                    raise
                wait = random.uniform(0.0, 0.25 * 2 ** (tries - tryleft))
                _logger.info(
                    "%s while signing %s, %s tries left, try again in %.04f sec...",
                    error.__class__.__name__,
                    label,
                    tryleft,
                    wait,
                )
                time.sleep(wait)
        raise RuntimeError("unreachable")

    def _emowaten_lock_for_signing(self, answer):
        """Lock the answer, its request and the request that request completes, as
        the first statement of the step that stores the signature: every row that step
        updates is then held from the start, and a concurrent change shows up here,
        as a concurrency error that is retried, not halfway through the step (nor as a
        failed statement in the log)."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT id FROM emowaten_answer WHERE id = %s FOR NO KEY UPDATE",
                answer.id,
            ),
            log_exceptions=False,
        )
        cr.execute(
            SQL(
                """SELECT r.id FROM emowaten_request r
                    WHERE r.id IN (SELECT q.id FROM emowaten_request q
                                     JOIN emowaten_answer a ON a.request_id = q.id
                                    WHERE a.id = %(answer)s
                                   UNION
                                   SELECT q.parent_id FROM emowaten_request q
                                     JOIN emowaten_answer a ON a.request_id = q.id
                                    WHERE a.id = %(answer)s)
                 ORDER BY r.id
                   FOR NO KEY UPDATE""",
                answer=answer.id,
            ),
            log_exceptions=False,
        )

    def _emowaten_sign_answers(
        self, answers, certificate, secret, batch_ref=None, commit=False, budget=None
    ):
        """Sign ``answers`` with a server-side key (PKCS#11 or PKCS#12), asking the
        token for the PIN once for the whole run. Never raises for a refusal:
        refusals are logged and returned.

        Each answer is signed in steps: what to sign is read in a step of its own; the
        signature is made and validated outside any transaction (the token and pyhanko
        take seconds, during which nothing is locked and no snapshot ages); the signed
        PDF, the answer's new state, the e-mail to the citizen and the audit entry are
        stored in a short last step that locks the answer and its request first and is
        retried when it meets a concurrent change. With ``commit`` (the sign wizard)
        every step is committed at once, so a signed answer is never undone by a
        later one, and a run stops starting answers once ``budget`` seconds have
        passed (no call outlasts the server's time limits, however large the batch).

        Returns ``{"signed": answers, "refused": [(answer, code, message)], "logs":
        logs, "remaining": answers, "budget_spent": bool}``: ``remaining`` are the
        answers this run did not finish (the budget was spent — ``budget_spent`` —,
        the token or certificate refused the whole run, or the answer stayed busy);
        they still await a signature."""
        # a test runs in one transaction: steps are savepoints there
        commit = commit and not modules.module.current_test
        user = self.env.user
        if batch_ref is None:
            batch_ref = self._emowaten_new_token() if len(answers) > 1 else False
        result = {
            "signed": answers.browse(),
            "refused": [],
            "logs": self.env["emowaten.signature.log"],
            "remaining": answers.browse(),
            # the run stopped starting answers because its time was spent
            "budget_spent": False,
        }
        started = time.monotonic()

        def check_certificate():
            # what the check learnt (a revocation, say) is kept, even when it refuses;
            # the row is locked first, as the daily check does: the two never write
            # the certificate (and its CRL) at the same time
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM emowaten_signature_certificate WHERE id = %s "
                    "FOR NO KEY UPDATE",
                    certificate.id,
                ),
                log_exceptions=False,
            )
            try:
                self._emowaten_check_certificate(certificate, user)
            except SignatureRefusal as refusal:
                return refusal
            return None

        try:
            refusal = self._emowaten_step_retried(
                commit, check_certificate, certificate.id
            )
            if refusal:
                raise refusal
            # reads the certificate only: a step that cannot meet a concurrent change
            signer, close = self._emowaten_step(
                commit, lambda: self._emowaten_open_signer(certificate, secret)
            )
        except SignatureRefusal as refusal:
            self._emowaten_step(
                commit,
                lambda: self._emowaten_log_refusal(
                    answers, certificate, refusal, batch_ref
                ),
            )
            result["refused"] = [(a, refusal.code, refusal.args[0]) for a in answers]
            result["remaining"] = answers
            return result
        try:
            for index, answer in enumerate(answers):
                if index and budget is not None and time.monotonic() - started > budget:
                    result["remaining"] = answers[index:]
                    result["budget_spent"] = True
                    break
                try:
                    log = self._emowaten_sign_one(
                        answer, certificate, signer, batch_ref, commit
                    )
                except SignatureRefusal as refusal:
                    self._emowaten_step(
                        commit,
                        lambda answer=answer, refusal=refusal: (
                            self._emowaten_log_refusal(
                                answer, certificate, refusal, batch_ref
                            )
                        ),
                    )
                    result["refused"].append((answer, refusal.code, refusal.args[0]))
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    # busy after every retry: left as it was, for the next run
                    result["remaining"] |= answer
                else:
                    result["signed"] |= answer
                    result["logs"] |= log
        finally:
            close()
        return result

    def _emowaten_sign_one(self, answer, certificate, signer, batch_ref, commit):
        """Sign one answer in the steps described in ``_emowaten_sign_answers``;
        returns its audit entry, raises ``SignatureRefusal``."""
        user = self.env.user
        today = fields.Date.context_today(self)

        def read():
            authority = self._emowaten_check_answer(answer, user, today)
            letter = answer._emowaten_letter_bytes()
            token = self._emowaten_new_token()
            opts = self._emowaten_sign_options(answer, certificate, authority, token)
            return letter, token, opts, self._emowaten_trust_roots()

        letter, token, opts, roots = self._emowaten_step_retried(
            commit, read, answer.id
        )
        hash_before = pades.sha256_hex(letter)
        try:
            signed = pades.sign_pdf(letter, signer, opts)
        except pades.PadesError as exc:
            raise self._emowaten_refusal(
                "token_error", detail=exc.detail or exc.code
            ) from exc
        report = self._emowaten_validate(signed, own_output=True, roots=roots)

        def store():
            self._emowaten_lock_for_signing(answer)
            # what was read may have changed while the signature was made; the check
            # compares the stored letter with its recorded hash, which must still be
            # the hash of what was signed
            self._emowaten_check_answer(answer, user, today)
            if answer.emowaten_letter_sha256 != hash_before:
                raise self._emowaten_refusal(
                    "document_changed", doc=answer.display_name
                )
            return self._emowaten_complete(
                answer,
                certificate,
                signed,
                hash_before,
                token,
                opts,
                batch_ref,
                report=report,
            )

        return self._emowaten_step_retried(commit, store, answer.id)

    # ------------------------------------------------------------- flow b
    def _emowaten_prepare_job(self, answers, certificate):
        """Workstation flow, first half: prepare every answer (stamp, signature field,
        digest) and return the job the signing agent will fetch. Refused answers are
        logged and left out; returns ``(job or None, refused)``."""
        user = self.env.user
        Job = self.env["emowaten.signature.job"]
        refused = []
        try:
            self._emowaten_check_certificate(certificate, user)
        except SignatureRefusal as refusal:
            self._emowaten_log_refusal(answers, certificate, refusal)
            return None, [(a, refusal.code, refusal.args[0]) for a in answers]
        job = Job.create(
            {
                "name": self._emowaten_new_token(),
                "user_id": user.id,
                "certificate_id": certificate.id,
            }
        )
        today = fields.Date.context_today(self)
        cert_der = certificate._emowaten_der()
        for answer in answers:
            try:
                with self.env.cr.savepoint():
                    authority = self._emowaten_check_answer(answer, user, today)
                    letter = answer._emowaten_letter_bytes()
                    token = self._emowaten_new_token()
                    opts = self._emowaten_sign_options(
                        answer, certificate, authority, token
                    )
                    try:
                        prepared = pades.prepare_external(letter, cert_der, [], opts)
                    except Exception as exc:  # pylint: disable=broad-except
                        raise self._emowaten_refusal(
                            "token_error", detail=str(exc) or exc.__class__.__name__
                        ) from exc
                    pdf = prepared.pop("prepared_pdf")
                    self.env["emowaten.signature.job.line"].create(
                        {
                            "job_id": job.id,
                            "answer_id": answer.id,
                            "prepared_pdf": base64.b64encode(pdf),
                            "prepared_data": prepared,
                            "tbs_digest": prepared["tbs_digest"],
                            "letter_sha256": pades.sha256_hex(letter),
                            "verification_token": token,
                        }
                    )
                    self.env["emowaten.signature.log"]._emowaten_record(
                        {
                            "event": "prepared",
                            "answer_id": answer.id,
                            "certificate_id": certificate.id,
                            "hash_before": pades.sha256_hex(letter),
                            "batch_ref": job.name,
                        }
                    )
            except SignatureRefusal as refusal:
                self._emowaten_log_refusal(answer, certificate, refusal, job.name)
                refused.append((answer, refusal.code, refusal.args[0]))
        if not job.line_ids:
            job.write({"state": "failed", "result": "\n".join(r[2] for r in refused)})
        return job, refused

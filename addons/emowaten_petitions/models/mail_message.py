from collections import defaultdict

from odoo import models

# documents on which posting needs the document's post access (``_mail_post_access``,
# "write" on both) even for their followers and for replies to a message one received:
# core lets both post on any document; the read-only central supervisor must not
# write to citizens
STRICT_POST_MODELS = ("emowaten.request", "emowaten.answer")


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if operation != "create" or self.env.is_superuser() or not self._ids:
            return result
        forbidden = result[0] if result else self.browse()
        docs = defaultdict(lambda: defaultdict(list))
        for message in (self - forbidden).sudo():
            if (
                message.model in STRICT_POST_MODELS
                and message.res_id
                and message.message_type != "user_notification"
            ):
                docs[message.model][message.res_id].append(message.id)
        denied_ids = []
        for model, doc_messages in docs.items():
            allowed = self._filter_records_for_message_operation(
                model, doc_messages, "create"
            )
            for doc_id, message_ids in doc_messages.items():
                if doc_id not in allowed.ids:
                    denied_ids.extend(message_ids)
        if not denied_ids:
            return result
        denied = self.browse(denied_ids)
        if result:
            return forbidden | denied, result[1]
        return denied, lambda: denied._make_access_error(operation)


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def write(self, vals):
        result = super().write(vals)
        if {"res_model_id", "res_model", "res_id"} & set(vals) and (
            not self.env.is_superuser()
        ):
            # core checks an activity's document before the change only: its creator
            # could move it onto a file he may not touch (a confidential report)
            _check_documents_writable(self.sudo(), "res_model", "res_id", self.env)
        return result


def _check_documents_writable(records, model_field, id_field, env):
    """Raise AccessError unless ``env``'s user may write every e-Mowaten document
    ``records`` now belong to."""
    by_model = defaultdict(set)
    for record in records:
        model, res_id = record[model_field], record[id_field]
        if model and res_id and model.startswith("emowaten.") and model in env:
            by_model[model].add(res_id)
    for model, ids in by_model.items():
        env[model].browse(ids).check_access("write")

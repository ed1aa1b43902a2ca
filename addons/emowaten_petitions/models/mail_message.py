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

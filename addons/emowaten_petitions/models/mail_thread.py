from odoo import api, models


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_parse(self, message, save_original=False):
        """Drop NUL characters from what an incoming e-mail carries.

        PostgreSQL refuses NUL in text columns, so a broken or hostile message with one
        in its subject, body, addresses or attachment names would reach the MTA as a
        server error instead of being filed. Nothing else of the message changes; the
        attachments' contents are bytes and stay untouched."""
        msg_dict = super().message_parse(message, save_original=save_original)
        for key, value in list(msg_dict.items()):
            if isinstance(value, str):
                msg_dict[key] = _without_nul(value)
        msg_dict["attachments"] = [
            attachment._replace(fname=_without_nul(attachment.fname))
            for attachment in msg_dict.get("attachments") or []
        ]
        return msg_dict

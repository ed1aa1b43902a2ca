from odoo import models
from odoo.http import request


class ResUsers(models.Model):
    _inherit = "res.users"

    def write(self, vals):
        res = super().write(vals)
        # The web client reloads the page once the language is changed in the
        # preferences, but Odoo renders that page with the language kept in the
        # session and only refreshes the session while rendering it: the first
        # reload still gets the old direction (an Arabic page laid out left to
        # right, or the reverse) until a second, manual reload. Refreshing the
        # session as soon as the user changes their own language fixes that.
        if (
            "lang" in vals
            and request
            and request.session.uid
            and request.session.uid in self.ids
        ):
            lang = self.browse(request.session.uid).lang
            if lang and request.session.context.get("lang") != lang:
                request.session.context = dict(request.session.context, lang=lang)
        return res

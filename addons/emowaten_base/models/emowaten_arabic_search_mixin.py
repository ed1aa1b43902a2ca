from odoo import api, models
from odoo.fields import Domain
from odoo.tools import SQL, escape_psql

from ..tools.arabic import search_fold, sql_search_fold


class EmowatenArabicSearchMixin(models.AbstractModel):
    """Name search that finds a record whatever the spelling of its Arabic name.

    The fields listed in ``_emowaten_search_fields`` are folded in SQL (alef and
    hamza forms, taa marbuta, alef maqsura, tatweel, harakat, Arabic-Indic digits,
    French accents) and compared with the folded search text. A translated field is
    searched in every language at once: an agent of a French interface who types
    "صوناد" or "تونس" finds the body all the same.
    """

    _name = "emowaten.arabic.search.mixin"
    _description = "Arabic-aware Name Search"

    _emowaten_search_fields = ("name",)

    @api.model
    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        if operator not in ("ilike", "not ilike") or not isinstance(value, str):
            return domain
        folded = search_fold(value.strip())
        if not folded:
            return domain
        folded_domain = Domain.custom(to_sql=self._emowaten_folded_search_sql(folded))
        if operator == "ilike":
            return domain | folded_domain
        return domain & ~folded_domain

    @api.model
    def _emowaten_folded_search_sql(self, folded):
        pattern = f"%{escape_psql(folded)}%"

        def to_sql(model, alias, query):
            conditions = []
            for fname in model._emowaten_search_fields:
                field = model._fields[fname]
                column = SQL.identifier(alias, fname)
                if field.translate:
                    # every language of the jsonb value, not its keys
                    column = SQL(
                        "(SELECT string_agg(t.value, ' ') FROM jsonb_each_text(%s) t)",
                        column,
                    )
                conditions.append(
                    SQL("COALESCE(%s, '') LIKE %s", sql_search_fold(column), pattern)
                )
            return SQL("(%s)", SQL(" OR ").join(conditions))

        return to_sql

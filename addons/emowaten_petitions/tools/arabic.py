"""Normalisation of Arabic text: the one of emowaten_base (reference data searches
use it too), kept importable from here where the requests, the scan addon and the
tests have always imported it."""

from odoo.addons.emowaten_base.tools.arabic import arabic_normalize, text_similarity

__all__ = ["arabic_normalize", "text_similarity"]

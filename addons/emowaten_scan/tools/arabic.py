"""Arabic-aware normalisation for searching OCR text.

Folds the variants a citizen, an agent and an OCR engine write differently: alef with
hamza/madda/wasla → bare alef, taa marbuta → haa, alef maqsura → yaa, hamza on waw/yaa →
waw/yaa, tatweel and diacritics removed, Arabic-Indic and Persian digits → ASCII digits,
Latin letters lower-cased and stripped of accents, whitespace collapsed.
"""

import re
import unicodedata

_MAP = {
    "\u0622": "\u0627",  # آ → ا
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0671": "\u0627",  # ٱ (wasla)
    "\u0672": "\u0627",
    "\u0673": "\u0627",
    "\u0629": "\u0647",  # ة → ه
    "\u0649": "\u064a",  # ى → ي
    "\u06cc": "\u064a",  # Persian yeh
    "\u0624": "\u0648",  # ؤ → و
    "\u0626": "\u064a",  # ئ → ي
    "\u06a9": "\u0643",  # Persian keheh → ك
    "\u0640": None,  # tatweel
}
# diacritics (tashkeel), Quranic marks, superscript alef
for _cp in [
    *range(0x0610, 0x061B),
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x06D6, 0x06EE),
]:
    _MAP[chr(_cp)] = None
for _i in range(10):
    _MAP[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _MAP[chr(0x06F0 + _i)] = str(_i)  # Extended (Persian) digits
_TABLE = str.maketrans(_MAP)
_SPACES = re.compile(r"\s+")


def _own_arabic_normalize(text):
    """Return ``text`` folded for search (idempotent)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_TABLE)
    # Latin accents: é → e (NFD then drop combining marks outside the Arabic block)
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(
        c for c in decomposed if not (unicodedata.combining(c) and c < "\u0600")
    )
    text = unicodedata.normalize("NFC", text).translate(_TABLE)
    return _SPACES.sub(" ", text.lower()).strip()


try:
    # one normalisation for the whole suite: the requests' own search uses petitions'
    from odoo.addons.emowaten_petitions.tools.arabic import arabic_normalize
except ImportError:  # outside Odoo (benchmarks, plain unit tests)
    arabic_normalize = _own_arabic_normalize

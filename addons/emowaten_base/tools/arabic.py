"""Normalisation of Arabic (and French) text for search and duplicate detection.

Citizens type the same words with or without hamza, with taa marbuta or haa, with
diacritics, tatweel or Arabic-Indic digits; scanned letters add presentation forms.
``arabic_normalize`` folds all of them onto one spelling so two texts can be compared.

``search_fold`` and ``sql_search_fold`` are the same folding done once in Python (on
what the user typed) and once in PostgreSQL (on the stored names, every language of a
translated field at once), so that a name search finds "ولاية تونس" from "ولايه تونس"
or "Médenine" from "medenine".
"""

import difflib
import re
import unicodedata

from odoo.tools import SQL

# after NFKD decomposition hamza/madda become combining marks (removed below); the
# remaining letters that citizens write interchangeably are folded here
_FOLD = str.maketrans(
    {
        "\u0649": "\u064a",  # alef maqsura -> yeh
        "\u0629": "\u0647",  # taa marbuta -> heh
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0621": "",  # lone hamza
        "\u0640": "",  # tatweel
        "\u06cc": "\u064a",  # farsi yeh -> yeh
        "\u06a9": "\u0643",  # keheh -> kaf
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Eastern Arabic-Indic digits
    }
)
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_SPACES = re.compile(r"\s+")

# One character-for-character table for SQL ``translate()``: each letter of
# _SEARCH_FROM becomes the letter at the same place in _SEARCH_TO, and the letters
# past the end of _SEARCH_TO (tatweel, lone hamza, harakat) are dropped.
_SEARCH_PAIRS = (
    "\u0623\u0627"  # alef with hamza above -> alef
    "\u0625\u0627"  # alef with hamza below -> alef
    "\u0622\u0627"  # alef with madda -> alef
    "\u0671\u0627"  # alef wasla -> alef
    "\u0672\u0627"  # alef with wavy hamza -> alef
    "\u0673\u0627"
    "\u0624\u0648"  # waw with hamza -> waw
    "\u0626\u064a"  # yeh with hamza -> yeh
    "\u0649\u064a"  # alef maqsura -> yeh
    "\u06cc\u064a"  # farsi yeh -> yeh
    "\u06a9\u0643"  # keheh -> kaf
    "\u0629\u0647"  # taa marbuta -> heh
    + "".join(chr(0x0660 + i) + str(i) for i in range(10))
    + "".join(chr(0x06F0 + i) + str(i) for i in range(10))
    # French accents, for the Latin names of places and bodies
    + "àaâaäaáaãaçcéeèeêeëeíiìiîiïiñnóoòoôoöoõoúuùuûuüuÿyœoæa"
)
_SEARCH_DROP = (
    "\u0640\u0621"  # tatweel, lone hamza
    + "".join(chr(c) for c in range(0x064B, 0x0660))  # harakat, shadda, sukun...
    + "\u0670"  # superscript alef
)
_SEARCH_FROM = _SEARCH_PAIRS[0::2] + _SEARCH_DROP
_SEARCH_TO = _SEARCH_PAIRS[1::2]
_SEARCH_TABLE = str.maketrans(
    {
        **dict(zip(_SEARCH_FROM, _SEARCH_TO, strict=False)),
        **dict.fromkeys(_SEARCH_DROP, ""),
    }
)


def arabic_normalize(text):
    """Return ``text`` folded for comparison: presentation forms, hamza and madda
    carriers, alef variants, taa marbuta, alef maqsura, tatweel, diacritics (Arabic
    harakat and Latin accents), Arabic-Indic digits, case and punctuation."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.translate(_FOLD).casefold()
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    return _SPACES.sub(" ", text).strip()


def text_similarity(text_a, text_b):
    """Similarity ratio in [0, 1] of two texts after normalisation, on words."""
    words_a = arabic_normalize(text_a).split()
    words_b = arabic_normalize(text_b).split()
    if not words_a and not words_b:
        return 1.0
    if not words_a or not words_b:
        return 0.0
    return difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()


def search_fold(text):
    """Fold what a user typed in a search box exactly as :func:`sql_search_fold`
    folds the stored names (NFC first: a decomposed accent or hamza would not match
    the table)."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", text).lower().translate(_SEARCH_TABLE)


def sql_search_fold(sql_expr):
    """The SQL of ``sql_expr`` (text) folded like :func:`search_fold`."""
    return SQL("translate(lower(%s), %s, %s)", sql_expr, _SEARCH_FROM, _SEARCH_TO)

"""Normalisation of Arabic (and French) text for search and duplicate detection.

Citizens type the same words with or without hamza, with taa marbuta or haa, with
diacritics, tatweel or Arabic-Indic digits; scanned letters add presentation forms.
``arabic_normalize`` folds all of them onto one spelling so two texts can be compared.
The scan addon reuses it for OCR text.
"""

import difflib
import re
import unicodedata

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

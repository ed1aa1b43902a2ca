"""Proposals extracted from OCR text: CIN, phone, e-mail, dates, governorate,
category."""

import datetime
import re

import phonenumbers

from .arabic import _own_arabic_normalize, arabic_normalize

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_CIN = re.compile(r"(?<![\d+])(\d{8})(?!\d)")
_DATE_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_DATE_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
# Month names as written in letters: French, Tunisian/Maghreb Arabic (جانفي, أوت),
# Middle-East Arabic (يناير, أغسطس) and Levantine (كانون الثاني); matched on the
# normalised text (no accents, bare alef, ه for ة)
_MONTH_NAMES = {
    1: ("janvier", "janv", "جانفي", "يناير", "كانون الثاني"),
    2: ("fevrier", "fevr", "فيفري", "فبراير", "شباط"),
    3: ("mars", "مارس", "آذار"),
    4: ("avril", "avr", "أفريل", "افريل", "أبريل", "ابريل", "نيسان"),
    5: ("mai", "ماي", "مايو", "أيار"),
    6: ("juin", "جوان", "يونيو", "يونيه", "حزيران"),
    7: ("juillet", "juil", "جويلية", "يوليو", "يوليه", "تموز"),
    8: ("aout", "أوت", "اوت", "أغسطس", "اغسطس", "آب"),
    9: ("septembre", "sept", "سبتمبر", "أيلول"),
    10: ("octobre", "oct", "أكتوبر", "اكتوبر", "تشرين الأول"),
    11: ("novembre", "nov", "نوفمبر", "تشرين الثاني"),
    12: ("decembre", "dec", "ديسمبر", "كانون الأول"),
}
_MONTHS = {
    _own_arabic_normalize(name): month
    for month, names in _MONTH_NAMES.items()
    for name in names
}
_DATE_NAMED = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:er\s+)?(?:de\s+|من\s+|شهر\s+)?("
    + "|".join(re.escape(n) for n in sorted(_MONTHS, key=len, reverse=True))
    + r")\.?(?!\w)\s*[,،]?\s*(\d{4})(?!\d)"
)
_CIN_HINTS = ("cin", "carte d'identite", "بطاقه التعريف", "ب.ت.و", "بطاقه تعريف")


def _ascii_digits(text):
    # keeps punctuation (dates, e-mails), unlike the search normalisation
    return _own_arabic_normalize(text) if text else ""


def find_emails(text):
    return list(dict.fromkeys(m.lower() for m in _EMAIL.findall(text or "")))


def find_phones(text):
    """Tunisian numbers in E.164 found by libphonenumber (never a home-made regex)."""
    found = []
    for match in phonenumbers.PhoneNumberMatcher(
        _ascii_digits(text), "TN", leniency=phonenumbers.Leniency.VALID
    ):
        number = phonenumbers.format_number(
            match.number, phonenumbers.PhoneNumberFormat.E164
        )
        if number not in found:
            found.append(number)
    return found


def find_cins(text):
    """8-digit numbers, those preceded by a CIN hint first; phones are excluded."""
    norm = _ascii_digits(text)
    phones = {p[-8:] for p in find_phones(text)}
    hinted, others = [], []
    for match in _CIN.finditer(norm):
        value = match.group(1)
        if value in phones:
            continue
        before = norm[max(0, match.start() - 40) : match.start()]
        target = hinted if any(h in before for h in _CIN_HINTS) else others
        if value not in hinted and value not in others:
            target.append(value)
    return hinted + others


def find_dates(text):
    """Dates in the order they appear: 15/03/2026, 2026-03-15, 12 janvier 2024,
    12 جانفي 2024, 12 يناير 2024."""
    norm = _ascii_digits(text)
    dates = []
    for match in _DATE_DMY.finditer(norm):
        day, month, year = match.groups()
        dates.append((match.start(), int(year), int(month), int(day)))
    for match in _DATE_YMD.finditer(norm):
        year, month, day = match.groups()
        dates.append((match.start(), int(year), int(month), int(day)))
    for match in _DATE_NAMED.finditer(norm):
        day, month, year = match.groups()
        dates.append((match.start(), int(year), _MONTHS[month], int(day)))
    result = []
    for _start, year, month, day in sorted(dates):
        try:
            value = datetime.date(year, month, day)
        except ValueError:
            continue
        if 1900 <= year <= 2100 and value not in result:
            result.append(value)
    return result


# Arabic proclitics before a keyword (والماء, بالطريق, للتطهير) and Latin plurals
_AR_PREFIX = r"(?:(?:و|ف)?(?:ب|ل|ك)?(?:ال|ل)?)?"
_LATIN_PLURAL = r"(?:s|x)?"


def find_named(text, candidates, affixes=False, weighted=False):
    """Best candidate whose names occur in the text.

    ``candidates``: iterable of (key, [names...]); returns the key with most
    occurrences. ``affixes``: an Arabic name also matches with a proclitic
    (و, ب, ل, ال...), a Latin one in the plural. ``weighted``: an occurrence counts
    as many words as the name has (a category's full name beats a single keyword).
    """
    norm = f" {arabic_normalize(text)} "
    best, best_count = None, 0
    for key, names in candidates:
        count = 0
        for name in names:
            name = arabic_normalize(name)
            if len(name) < 3:
                continue
            pattern = re.escape(name)
            if affixes:
                pattern = (
                    _AR_PREFIX + pattern
                    if _ARABIC_LETTER.match(name)
                    else pattern + _LATIN_PLURAL
                )
            hits = len(re.findall(rf"(?<!\w){pattern}(?!\w)", norm))
            count += hits * (len(name.split()) if weighted else 1)
        if count > best_count:
            best, best_count = key, count
    return best


def extract_all(text):
    return {
        "cin": find_cins(text),
        "phone": find_phones(text),
        "email": find_emails(text),
        "date": find_dates(text),
    }


# ----------------------------------------------------------------------------
# Text to check by hand although Tesseract is confident
# ----------------------------------------------------------------------------

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u066e-\u06d3\ufb50-\ufdff\ufe70-\ufefc]")
_LATIN_WORD = re.compile(r"^[^\w]*([A-Za-zÀ-ÿ]{1,4})[^\w]*$")
# short Latin words that do occur in Arabic letters
_LATIN_OK = {"cin", "bp", "tel", "fax", "cnss", "cnam", "steg", "rue", "av", "nb"}
_YEAR_AFTER_MONTH = re.compile(
    r"(?<!\d)\d{1,2}\s+("
    + "|".join(re.escape(n) for n in sorted(_MONTHS, key=len, reverse=True))
    + r")(?!\w)\s*[,،]?\s*(\d{1,3})(?![\d/])"
)
_SHORT_YEAR_DMY = re.compile(r"(?<!\d)\d{1,2}\s*/\s*\d{1,2}\s*/\s*(\d{1,3})(?![\d/])")


def suspect_fragments(text):
    """Fragments of OCR text that are likely misread even when the mean confidence
    is high: a short Latin word alone inside an Arabic line (Tesseract's ``ara+fra``
    reads an Arabic word it is unsure of as "Ji", "Re", "Le"), and digits
    collapsed (a year read "4" after a month name or in a date)."""
    found = []
    for line in (text or "").splitlines():
        words = line.split()
        arabic = [bool(_ARABIC_LETTER.search(w)) for w in words]
        if not words or sum(arabic) < 0.6 * len(words):
            continue
        for index, word in enumerate(words):
            match = _LATIN_WORD.match(word)
            if not match or match.group(1).lower() in _LATIN_OK:
                continue
            before = arabic[index - 1] if index else True
            after = arabic[index + 1] if index + 1 < len(words) else True
            if before and after:
                found.append(word)
    norm = _ascii_digits(text)
    for match in _YEAR_AFTER_MONTH.finditer(norm):
        found.append(match.group(0))
    for match in _SHORT_YEAR_DMY.finditer(norm):
        found.append(match.group(0))
    return list(dict.fromkeys(found))

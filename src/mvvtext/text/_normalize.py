"""Text normalisation: NFKC, width unification, whitespace and line-break clean-up.

NFKC already folds half-width katakana into full-width (``ｶﾞｯｺｳ`` → ``ガッコウ``)
and full-width ASCII letters, digits and symbols into half-width
(``０９０－１２３４`` → ``090-1234``), which is what the personal-data patterns
and the tokeniser expect. On top of NFKC this module removes control and
zero-width characters, turns tabs and ideographic spaces into one ASCII space,
unifies line breaks and drops blank lines.
"""
from __future__ import annotations

import math
import re
import unicodedata

__all__ = ["normalize"]

# C0/C1 controls except \t \n \r (those are handled as whitespace below).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Zero-width and bidi formatting characters that survive NFKC.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_NEWLINES = re.compile(r" *\n[ \n]*")
# Dashes NFKC leaves alone; they appear inside phone numbers and ranges.
_DASHES = re.compile("[\u2010-\u2015\u2212]")
# One character-class scan decides whether the dash and clean-up passes are needed at
# all (a plain class is several times faster than an alternation with anchors).
_NEEDS_CLEANUP = re.compile(
    r"[\x00-\x1f\x7f-\xa0\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u3000\ufeff\u2010-\u2015\u2212]"
)

# Circled numbers (①-⑳, ㉑-㊿, ⓪) are list markers: NFKC would make 「①090-1234-5678」
# 「1090-…」 (a phone number the masker no longer sees) and 「②3日休んだ」 「23日」.
_CIRCLED = re.compile("[\u2460-\u2473\u24ea\u3251-\u325f\u32b1-\u32bf]")
_CIRCLED_AS = str.maketrans({c: f"({unicodedata.normalize('NFKC', c)})" for c in map(
    chr, [*range(0x2460, 0x2474), 0x24EA, *range(0x3251, 0x3260), *range(0x32B1, 0x32C0)])})


def _is_missing(text: object) -> bool:
    if text is None:
        return True
    if isinstance(text, float) and math.isnan(text):
        return True
    if type(text).__name__ in ("NAType", "NaTType"):  # pandas.NA / NaT without importing pandas
        return True
    try:  # numpy.nan and other NaN-like scalars
        return bool(text != text)  # noqa: PLR0124
    except (TypeError, ValueError):
        return False


def normalize(text: object, *, mask: bool = False, keep_newlines: bool = True) -> str:
    """Normalise one Japanese text.

    Parameters
    ----------
    text : str
        The raw text. ``None``, NaN and ``pandas.NA`` give ``""``; other
        non-string values are converted with ``str``.
    mask : bool, default False
        Also replace e-mail addresses, phone numbers, URLs, employee numbers
        and honorific-marked person names by placeholders
        (see :func:`mvvtext.text.mask_personal_data`).
    keep_newlines : bool, default True
        Keep single line breaks (blank lines are always dropped). With False,
        line breaks become spaces.

    Returns
    -------
    str
        NFKC-normalised text without control or zero-width characters, with
        runs of spaces collapsed and surrounding whitespace stripped. Circled
        numbers become bracketed (「①」 → 「(1)」), not bare digits.

    Examples
    --------
    >>> normalize("ｷｭｳﾘｮｳが　安い\\r\\n\\r\\n０９０")
    'キュウリョウが 安い\\n090'
    """
    if type(text) is not str:  # the common case skips the missing-value checks
        if _is_missing(text):
            return ""
        if not isinstance(text, str):
            text = str(text)
    # is_normalized is a fast check; for the many texts already in NFKC it spares the copy
    if not unicodedata.is_normalized("NFKC", text):
        if _CIRCLED.search(text):
            text = text.translate(_CIRCLED_AS)  # 「①」 → 「(1)」, kept apart from the digits after it
        text = unicodedata.normalize("NFKC", text)
    if _NEEDS_CLEANUP.search(text) or "  " in text or text[:1] == " " or text[-1:] == " ":
        text = _DASHES.sub("-", text)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = _CONTROL.sub("", text)
        text = _INVISIBLE.sub("", text)
        text = _SPACES.sub(" ", text)
        text = _NEWLINES.sub("\n", text).strip()
    if not keep_newlines:
        text = text.replace("\n", " ")
    if mask:
        from mvvtext.text._mask import mask_personal_data

        text = mask_personal_data(text, normalize=False)
    return text

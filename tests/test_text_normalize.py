"""Tests for mvvtext.text.normalize."""
import math

import pytest

from mvvtext.text import normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ｷｭｳﾘｮｳ", "キュウリョウ"),              # half-width katakana -> full-width
        ("ｶﾞｯｺｳ", "ガッコウ"),                   # voiced marks are composed
        ("０９０－１２３４－５６７８", "090-1234-5678"),  # full-width digits/hyphen
        ("ＡＢＣ　ａｂｃ", "ABC abc"),              # full-width letters, ideographic space
        ("  給料が\t\t安い  ", "給料が 安い"),
        ("一行目\r\n\r\n\r\n二行目\r三行目", "一行目\n二行目\n三行目"),
        ("制御\x00文字\x07です\x1b", "制御文字です"),
        ("ゼロ\u200b幅\ufeff", "ゼロ幅"),
        ("電話 03‐1234−5678", "電話 03-1234-5678"),
        ("", ""),
        ("   \n\t ", ""),
        ("😀 絵文字", "😀 絵文字"),
    ],
)
def test_normalize_table(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("missing", [None, math.nan, float("nan")])
def test_missing_values_give_empty_string(missing):
    assert normalize(missing) == ""


def test_pandas_na_gives_empty_string():
    pd = pytest.importorskip("pandas")
    assert normalize(pd.NA) == ""


def test_non_string_is_converted():
    assert normalize(123) == "123"


def test_keep_newlines_false():
    assert normalize("a\nb", keep_newlines=False) == "a b"


def test_mask_option_masks_after_normalising():
    assert normalize("ＴＥＬ：０９０－１２３４－５６７８", mask=True) == "TEL:〈電話〉"


def test_idempotent():
    s = "ｷｭｳﾘｮｳが　安い\r\n\r\n０９０"
    assert normalize(normalize(s)) == normalize(s)


@pytest.mark.parametrize(("raw", "expected"), [
    ("①090-1234-5678に連絡", "(1)090-1234-5678に連絡"),
    ("②3日休んだ", "(2)3日休んだ"),  # not 「23日」
    ("㉑番目と⓪", "(21)番目と(0)"),
    ("⑴と(1)", "(1)と(1)"),  # the parenthesised form NFKC already gave
])
def test_circled_numbers_stay_apart_from_the_digits_after_them(raw, expected):
    assert normalize(raw) == expected


def test_a_phone_number_after_a_circled_marker_is_masked():
    from mvvtext.text import mask_personal_data

    assert mask_personal_data("連絡先：①090-1234-5678 ②03-1234-5678") == "連絡先:(1)〈電話〉 (2)〈電話〉"

"""Tests for personal-data masking (mask_personal_data / find_personal_data)."""
import pytest

from mvvtext.exceptions import InputError
from mvvtext.text import PLACEHOLDERS, find_personal_data, mask_personal_data


def test_placeholders_are_exact():
    assert PLACEHOLDERS == {"name": "〈氏名〉", "phone": "〈電話〉", "email": "〈メール〉",
                            "employee_id": "〈社員番号〉", "url": "〈URL〉", "address": "〈住所〉",
                            "bank_account": "〈口座番号〉", "my_number": "〈個人番号〉", "account_id": "〈ID〉",
                            "birth_date": "〈生年月日〉"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # phones, Japanese formats
        ("携帯は090-1234-5678です", "携帯は〈電話〉です"),
        ("代表03(1234)5678まで", "代表〈電話〉まで"),
        ("0312345678に電話", "〈電話〉に電話"),
        ("+81-90-1234-5678", "〈電話〉"),
        ("+81 3 1234 5678", "〈電話〉"),
        ("０９０－１２３４－５６７８", "〈電話〉"),
        ("090ー1234ー5678", "〈電話〉"),
        ("(03)1234-5678", "〈電話〉"),
        ("0120-123-456", "〈電話〉"),
        # e-mail and URL
        ("taro.yamada@example.co.jp に送信", "〈メール〉 に送信"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "〈メール〉"),
        ("https://intra.example.com/a?b=1 を参照", "〈URL〉 を参照"),
        ("詳細はwww.example.co.jp/faqへ", "詳細は〈URL〉へ"),
        # employee numbers
        ("社員番号12345の者です", "〈社員番号〉の者です"),
        ("社員No.9876", "〈社員番号〉"),
        ("社員番号：A-001234", "〈社員番号〉"),
        ("E12345です", "〈社員番号〉です"),
        ("社員番号はMG-452210です", "〈社員番号〉です"),
        ("(MG-432039)", "(〈社員番号〉)"),
        ("ISO-9001を取得", "ISO-9001を取得"),
        # names without an honorific (SudachiPy dictionary), full names as one placeholder
        ("受付:人事部 小川", "受付:人事部 〈氏名〉"),
        ("こんにちは。中島 千尋です。", "こんにちは。〈氏名〉です。"),
        ("横浜オフィス所属の岡田 さくらと申します", "横浜オフィス所属の〈氏名〉と申します"),
        ("岡田 拓也様より入電", "〈氏名〉様より入電"),
        ("--\n小林 翔太\n生産技術部", "--\n〈氏名〉\n生産技術部"),
        ("小川 課長に相談", "〈氏名〉 課長に相談"),
        # names before honorifics / titles (the honorific is kept)
        ("山田課長に相談した", "〈氏名〉課長に相談した"),
        ("佐藤さんが困っている", "〈氏名〉さんが困っている"),
        ("田中部長と鈴木様", "〈氏名〉部長と〈氏名〉様"),
        ("高橋くんと井上さん", "〈氏名〉くんと〈氏名〉さん"),
        ("伊藤ちゃん", "〈氏名〉ちゃん"),
        ("山田太郎氏", "〈氏名〉氏"),
        ("佐々木係長", "〈氏名〉係長"),
        ("山田支店長", "〈氏名〉支店長"),
        ("前田さんと秋元さん", "〈氏名〉さんと〈氏名〉さん"),
        ("営業部山田さん", "営業部〈氏名〉さん"),
        ("ジョンさん", "〈氏名〉さん"),
        ("Tanakaさん", "〈氏名〉さん"),
        ("チームリーダーの木村リーダー", "チームリーダーの〈氏名〉リーダー"),
        # not names
        ("お客さんが多い", "お客さんが多い"),
        ("派遣先さんに迷惑", "派遣先さんに迷惑"),
        ("皆さんお疲れ様です", "皆さんお疲れ様です"),
        ("営業さんの対応", "営業さんの対応"),
        ("現場の方に聞いた", "現場の方に聞いた"),
        ("お客様の声", "お客様の声"),
        ("同様に仕様が変わった", "同様に仕様が変わった"),
        ("課長に相談した", "課長に相談した"),
        ("人事部長に相談した", "人事部長に相談した"),
        ("パートさんが足りない", "パートさんが足りない"),
        ("常連さんが来た", "常連さんが来た"),
        ("残業代ちゃんと出るようになった", "残業代ちゃんと出るようになった"),
        ("先方さんに確認します", "先方さんに確認します"),
        ("彼氏と氏名欄", "彼氏と氏名欄"),
        ("2023-04-01に10時〜18時", "2023-04-01に10時〜18時"),
        ("給料が安い", "給料が安い"),
        # common words SudachiPy's dictionary reads as person names in context
        ("給与明細の見方が分かりません", "給与明細の見方が分かりません"),
        ("保健師さんと面談しました", "保健師さんと面談しました"),
        ("マイナ保険証に切り替えました", "マイナ保険証に切り替えました"),
        ("きゅうりょうがやすい", "きゅうりょうがやすい"),
        ("ラマダン中の同僚に配慮した", "ラマダン中の同僚に配慮した"),
        ("", ""),
    ],
)
def test_mask_table(raw, expected):
    assert mask_personal_data(raw) == expected


def test_mask_missing():
    assert mask_personal_data(None) == ""


def test_names_false_keeps_names():
    assert mask_personal_data("佐藤さん 090-1234-5678", names=False) == "佐藤さん 〈電話〉"


def test_custom_employee_pattern_and_disable():
    assert mask_personal_data("ID:XY-777 です", employee_id_pattern=r"XY-\d+") == "ID:〈社員番号〉 です"
    assert mask_personal_data("E12345です", employee_id_pattern=None) == "E12345です"


def test_bad_employee_pattern_raises_input_error():
    with pytest.raises(InputError, match="employee_id_pattern"):
        mask_personal_data("x", employee_id_pattern="(")


def test_exclude_names_extends_list():
    assert mask_personal_data("協力業者さん", exclude_names=["協力業者"]) == "協力業者さん"


def test_find_personal_data_spans_without_text():
    text = "山田課長(090-1234-5678)へ"
    spans = find_personal_data(text)
    assert [(s.type, text[s.start:s.end]) for s in spans] == [("name", "山田"), ("phone", "090-1234-5678")]
    assert not hasattr(spans[0], "text")


def test_url_wins_over_email_and_phone_inside_it():
    spans = find_personal_data("https://example.com/u/a@b.co/0312345678")
    assert [s.type for s in spans] == ["url"]


def test_fake_nlp_person_entities_are_masked():
    class Ent:
        def __init__(self, s, e, label):
            self.start_char, self.end_char, self.label_, self.text = s, e, label, "x" * (e - s)

    class Doc:
        def __init__(self, ents):
            self.ents = ents

    def nlp(text):
        i = text.index("太郎")
        return Doc([Ent(i, i + 2, "Person"), Ent(0, 2, "Company")])

    assert mask_personal_data("会社で太郎が", nlp=nlp) == "会社で〈氏名〉が"


@pytest.mark.ginza
def test_ginza_ner_masks_bare_names():
    pytest.importorskip("ja_ginza")
    out = mask_personal_data("昨日、山田と話した", use_ner=True)
    assert "山田" not in out


def test_dictionary_names_can_be_switched_off():
    assert mask_personal_data("受付:人事部 小川", dictionary_names=False) == "受付:人事部 小川"
    assert mask_personal_data("佐藤さん", dictionary_names=False) == "〈氏名〉さん"


def test_dictionary_names_on_text_over_sudachi_limit():
    text = "給与について。" * 8000 + "人事部 小川"
    assert len(text.encode("utf-8")) > 49149
    masked = mask_personal_data(text)
    assert masked.endswith("人事部 〈氏名〉") and masked.startswith("給与について。")


def test_classifier_masking_shares_its_sudachi_pass_and_matches_masking():
    """``mask_and_analyse`` returns what ``mask_personal_data`` does, and the analysis it keeps is the usual one."""
    from mvvtext.classify import _tokens
    from mvvtext.text import normalize

    texts = ["山田課長に連絡した", "受付：人事部 小川", "中島 千尋です。よろしくお願いします", "給与明細が届かない",
             "090-1234-5678 までお電話ください", "評価の基準が分からない。" * 1200, "あ"]
    for raw in texts:
        text = normalize(raw)
        _tokens._CACHE.pop(text, None)
        masked = _tokens.mask_and_analyse(text)
        assert masked == mask_personal_data(text, normalize=False)
        kept = _tokens._CACHE.pop(masked, None)
        if masked == text and len(text) <= 10_000:
            assert kept is not None  # nothing masked: the one analysis is kept for the classifier
        if kept is not None:
            assert kept == _tokens.analyse(masked)

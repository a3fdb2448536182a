"""Tests for masking names written in variant kanji, and postal addresses."""
import unicodedata

import pytest

from mvvtext.text import find_personal_data, mask_personal_data
from mvvtext.text import _mask

# -- names in variant kanji ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # the audit's cases: IBM extension kanji (cp932), a compatibility ideograph, Extension B
        ("髙橋です", "〈氏名〉です"),
        ("德永です", "〈氏名〉です"),
        ("神﨑です", "〈氏名〉です"),
        ("𠮷田です", "〈氏名〉です"),
        ("髙橋さん", "〈氏名〉さん"),
        ("𠮷田さんに相談した", "〈氏名〉さんに相談した"),  # was 「𠮷〈氏名〉さん」: 𠮷 was no kanji
        ("𠮷田課長の件", "〈氏名〉課長の件"),
        ("担当:髙橋", "担当:〈氏名〉"),
        ("人事部 德永", "人事部 〈氏名〉"),
        ("よろしくお願いします。神﨑", "よろしくお願いします。〈氏名〉"),
        ("濵田 拓也様より入電", "〈氏名〉様より入電"),
        ("黑田です", "〈氏名〉です"),
        # already masked before, still masked
        ("高橋です", "〈氏名〉です"),
        ("山﨑です", "〈氏名〉です"),
        ("渡邉です", "〈氏名〉です"),
        ("草彅です", "〈氏名〉です"),
        # 々 and ヶ inside names (the dictionary writes 八ケ代 and 千ケ崎 with a full-size ケ)
        ("佐々木です", "〈氏名〉です"),
        ("佐々木係長", "〈氏名〉係長"),
        ("八ヶ代です", "〈氏名〉です"),
        ("八ヶ代さん", "〈氏名〉さん"),
        ("千ヶ崎です", "〈氏名〉です"),  # was 「〈氏名〉ヶ崎です」
        # ヶ in ordinary words and place names is left alone
        ("3ヶ月が経った", "3ヶ月が経った"),
        ("数ヶ月前から", "数ヶ月前から"),
        ("茅ヶ崎の現場", "茅ヶ崎の現場"),
        ("霞ヶ関に出張", "霞ヶ関に出張"),
    ],
)
def test_variant_kanji_names(raw, expected):
    assert mask_personal_data(raw) == expected


def test_radicals_from_pdf_copies_are_read_as_kanji():
    # ⻑ (U+2ED1) survives NFKC; 課⻑ is still a title, and the original character is kept
    assert mask_personal_data("德永課⻑に相談", dictionary_names=False) == "〈氏名〉課⻑に相談"


def test_variant_pairs_are_one_character_for_one():
    for pair in _mask._VARIANT_PAIRS:
        assert len(pair) == 2 and pair[0] != pair[1], pair
    for variant, standard in _mask._FOLD_MAP.items():
        assert len(variant) == 1 and len(standard) == 1 and unicodedata.name(standard).startswith("CJK")
    text = "髙橋と𠮷田と神﨑と德永と課⻑と\ufa19"
    folded = _mask._fold(text)
    assert len(folded) == len(text) and folded == "高橋と吉田と神崎と徳永と課長と神"
    plain = "高橋と吉田"
    assert _mask._fold(plain) is plain  # no variant: no copy


def test_unnormalised_compatibility_ideographs_are_found():
    # U+FA19 神 is folded by NFKC; find_personal_data on raw text folds it itself
    text = "\ufa19﨑です"
    assert [(s.type, s.start, s.end) for s in find_personal_data(text)] == [("name", 0, 2)]


_STANDARD_NAMES = (
    "高橋 高木 徳永 徳田 神崎 山崎 吉田 吉川 増田 寛子 悦子 横山 清水 浜田 長浜 瀬戸 広瀬 緑川 緒方 薫 頼子 一郎 本郷 "
    "青木 黒田 柳田 桑原 杉山 鶴田 島田 中島 渡辺 田辺 沢田 桜井 広田 斎藤 斉藤 国分 真田 恵子 富田 蔵本 寿子 栄一 亀井 "
    "弥生 礼子 北条 曽根 峰岸 野村 館野 村上 浅野 渋谷 滝沢 聡 豊田 関口 児玉 会田 芦田 静香 西村 恒夫 荘司 来栖"
).split()
_TEMPLATES = ("{}です。", "{}さんに相談した", "担当:{}", "人事部 {}", "{}課長と話した", "{} 太郎様より入電",
              "昨日{}と話した", "よろしくお願いします。{}")


def _masked_positions(text):
    return {i for s in find_personal_data(text) if s.type == "name" for i in range(s.start, s.end)}


def test_every_name_masked_in_standard_kanji_is_masked_in_variant_kanji():
    """Replacing one standard kanji by any of its variants never masks less (offsets do not move)."""
    variants = {}
    for pair in _mask._VARIANT_PAIRS:
        variants.setdefault(pair[1], []).append(pair[0])
    checked = 0
    for name in _STANDARD_NAMES:
        for i, c in enumerate(name):
            for v in variants.get(c, ()):
                for template in _TEMPLATES:
                    standard, variant = template.format(name), template.format(name[:i] + v + name[i + 1:])
                    missed = _masked_positions(standard) - _masked_positions(variant)
                    assert not missed, (standard, variant)
                    checked += 1
    assert checked > 500


def test_variant_exclusions_and_standard_exclusions_both_apply():
    assert mask_personal_data("髙島屋さんに発注", exclude_names=["髙島屋"]) == "髙島屋さんに発注"
    assert mask_personal_data("髙島屋さんに発注", exclude_names=["高島屋"]) == "髙島屋さんに発注"
    assert mask_personal_data("髙島屋さんに発注") == mask_personal_data("高島屋さんに発注") == "〈氏名〉さんに発注"


def test_classifier_masking_matches_masking_for_variant_texts():
    from mvvtext.classify import _tokens
    from mvvtext.text import normalize

    for raw in ["髙橋です。よろしくお願いします", "担当:𠮷田", "千ヶ崎です", "送付先は東京都品川区西五反田1-2-3です"]:
        text = normalize(raw)
        _tokens._CACHE.pop(text, None)
        masked = _tokens.mask_and_analyse(text)
        assert masked == mask_personal_data(text, normalize=False)
        assert masked != text
        _tokens._CACHE.pop(masked, None)


# -- postal addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("東京都品川区西五反田1-2-3", "〈住所〉"),
        ("送付先は東京都品川区西五反田1-2-3です", "送付先は〈住所〉です"),
        ("本社は東京都千代田区大手町1-1-1です", "本社は〈住所〉です"),
        ("住所:東京都品川区西五反田1丁目2番3号", "住所:〈住所〉"),
        ("東京都品川区西五反田一丁目2番3号", "〈住所〉"),
        ("東京都品川区西五反田 1-2-3", "〈住所〉"),
        ("東京都港区芝浦3丁目", "〈住所〉"),
        ("東京都港区芝浦3-1", "〈住所〉"),
        ("大阪市北区梅田3丁目1番3号の倉庫", "〈住所〉の倉庫"),
        ("横浜市西区みなとみらい2-3-1", "〈住所〉"),
        ("神奈川県横浜市港北区新横浜2-5-10", "〈住所〉"),
        ("千代田区丸の内1-1", "〈住所〉"),
        ("千代田区丸の内1の1", "〈住所〉"),
        ("八王子市旭町1-1", "〈住所〉"),
        ("町田市原町田6-12-20", "〈住所〉"),
        ("福岡市博多区博多駅前2丁目", "〈住所〉"),
        ("さいたま市浦和区高砂3-15-1", "〈住所〉"),
        ("北海道札幌市中央区北1条西2丁目", "〈住所〉"),
        ("京都府京都市下京区烏丸通七条下る東塩小路町721-1", "〈住所〉"),
        ("所在地 大阪府大阪市中央区本町2-1-1 ○○ビル", "所在地 〈住所〉 ○○ビル"),
        # postal codes, alone or with the address that follows: one placeholder
        ("〒141-0031", "〈住所〉"),
        ("〒1410031", "〈住所〉"),
        ("〒141-0031 東京都品川区西五反田1-2-3", "〈住所〉"),
        ("〒141-0031東京都品川区西五反田1-2-3 TEL:03-1234-5678", "〈住所〉 TEL:〈電話〉"),
        ("〒141-0031 東京都品川区…", "〈住所〉..."),
        ("〒１４１－００３１", "〈住所〉"),  # full width, after normalising
        # names next to an address are still names
        ("品川区西五反田1-2-3の山田様", "〈住所〉の〈氏名〉様"),
    ],
)
def test_addresses_are_masked(raw, expected):
    assert mask_personal_data(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        # place names HR analysis needs
        "大阪拠点の人員が足りない",
        "品川の客先に常駐している",
        "東京都の案件が多い",
        "品川区の事業所に異動した",
        "東京都品川区にある本社",
        "茅ヶ崎の現場",
        # numbers next to a place or a word ending in 区/市/町 that are no street number
        "東京都港区2名が参加",
        "東京都港区の1-2名",
        "品川区で2-3名",
        "品川区で1-2-3位",
        "東京都港区10-18時",
        "港区2023-04-01に訪問",
        "港区2023-4-1に訪問",
        "大阪府の1-2月",
        "神奈川県内2-3拠点",
        "地区大会2-1で負けた",
        "市場シェア1-2位",
        "区役所1-2階",
        "品川区1-2",
        "規則第3条1項",
        "1-2-3",
        "2023年4月1日",
        "郵便番号141-0031",
    ],
)
def test_place_names_and_numbers_are_not_addresses(raw):
    assert "〈住所〉" not in mask_personal_data(raw)


def test_address_spans_and_switch():
    text = "送付先:東京都品川区西五反田1-2-3 佐藤さん"
    spans = find_personal_data(text)
    assert [(s.type, text[s.start:s.end]) for s in spans] == [("address", "東京都品川区西五反田1-2-3"),
                                                            ("name", "佐藤")]
    assert mask_personal_data(text, addresses=False) == "送付先:東京都品川区西五反田1-2-3 〈氏名〉さん"
    assert mask_personal_data("〒141-0031", addresses=False) == "〒141-0031"


def test_phone_wins_over_address():
    assert mask_personal_data("東京都港区芝浦03-1234-5678") == "東京都港区芝浦〈電話〉"


def test_masking_masked_text_again_changes_nothing():
    """The store masks ``text_masked`` once more: 〈住所〉 must survive a second pass."""
    for raw in ["〒141-0031 東京都品川区西五反田1-2-3", "品川区西五反田1-2-3の山田様", "髙橋です", "担当:𠮷田"]:
        once = mask_personal_data(raw)
        assert mask_personal_data(once) == once

"""Tests for masking bank accounts, My Numbers (個人番号), LINE IDs / @handles and birth dates."""
import pandas as pd
import pytest

from mvvtext.text import PLACEHOLDERS, find_personal_data, mask_personal_data, normalize, process_frame

NEW_PLACEHOLDERS = {"bank_account": "〈口座番号〉", "my_number": "〈個人番号〉", "account_id": "〈ID〉",
                    "birth_date": "〈生年月日〉"}


def test_new_placeholders_are_registered():
    for kind, placeholder in NEW_PLACEHOLDERS.items():
        assert PLACEHOLDERS[kind] == placeholder


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # bank accounts: the keyword stays, the number goes
        ("普通 7654321", "普通 〈口座番号〉"),
        ("普通預金 1234567", "普通預金 〈口座番号〉"),
        ("当座 0012345", "当座 〈口座番号〉"),
        ("口座番号: 1234567", "口座番号: 〈口座番号〉"),
        ("口座番号は1234567です", "口座番号は〈口座番号〉です"),
        ("口座番号1234567", "口座番号〈口座番号〉"),
        ("口座番号: 123-1234567", "口座番号: 〈口座番号〉"),
        ("振込先を普通 7654321 に変更したい", "振込先を普通 〈口座番号〉 に変更したい"),
        ("普通口座 1234567", "普通口座 〈口座番号〉"),
        ("普通7654321", "普通〈口座番号〉"),
        # branch codes
        ("支店番号123", "支店番号〈口座番号〉"),
        ("店番 123", "店番 〈口座番号〉"),
        ("品川支店(支店番号123) 普通 1234567", "品川支店(支店番号〈口座番号〉) 普通 〈口座番号〉"),
        ("店番号:456 口座番号:7654321", "店番号:〈口座番号〉 口座番号:〈口座番号〉"),
        # ゆうちょ
        ("ゆうちょ 記号12345 番号12345678", "ゆうちょ 記号〈口座番号〉 番号〈口座番号〉"),
        ("記号 12345-1 番号 12345678", "記号 〈口座番号〉 番号 〈口座番号〉"),
        ("ゆうちょの記号12345です", "ゆうちょの記号〈口座番号〉です"),
        ("ゆうちょ銀行 12345-12345678", "ゆうちょ銀行 〈口座番号〉"),
        # full-width input is normalised first
        ("普通　７６５４３２１", "普通 〈口座番号〉"),
        ("口座番号：１２３４５６７", "口座番号:〈口座番号〉"),
        # My Number
        ("マイナンバーは1234 5678 9012です", "マイナンバーは〈個人番号〉です"),
        ("マイナンバーは1234-5678-9012です", "マイナンバーは〈個人番号〉です"),
        ("個人番号 123456789012", "個人番号 〈個人番号〉"),
        ("マイナンバー:123456789012", "マイナンバー:〈個人番号〉"),
        ("マイナンバーカードの番号は1234 5678 9012です", "マイナンバーカードの番号は〈個人番号〉です"),
        ("マイナンバー(個人番号):123456789012", "マイナンバー(個人番号):〈個人番号〉"),
        ("マイナンバーは１２３４ ５６７８ ９０１２です", "マイナンバーは〈個人番号〉です"),
        # LINE IDs and @handles
        ("LINE ID: taro_yamada88", "LINE ID: 〈ID〉"),
        ("LINEのIDは@abc123", "LINEのIDは〈ID〉"),
        ("ラインID yamada-t", "ラインID 〈ID〉"),
        ("ラインID yamada-t で友達追加お願いします", "ラインID 〈ID〉 で友達追加お願いします"),
        ("LINE IDはtaro.yamada。", "LINE IDは〈ID〉。"),
        ("IDは@yamada", "IDは〈ID〉"),
        ("ID:@taro_88です", "ID:〈ID〉です"),
        ("アカウント @taro_88", "アカウント 〈ID〉"),
        ("Instagramのアカウントは@hanako_01です", "Instagramのアカウントは〈ID〉です"),
        ("ＬＩＮＥ　ＩＤ：ｔａｒｏ＿８８", "LINE ID:〈ID〉"),
        # birth dates: the keyword stays, the date goes
        ("生年月日 1990年4月1日", "生年月日 〈生年月日〉"),
        ("生年月日: 1990/04/01", "生年月日: 〈生年月日〉"),
        ("1990年4月1日生まれ", "〈生年月日〉生まれ"),
        ("誕生日は4月1日", "誕生日は〈生年月日〉"),
        ("誕生日は4月1日です", "誕生日は〈生年月日〉です"),
        ("誕生日は4/1です", "誕生日は〈生年月日〉です"),
        ("生年月日 昭和60年4月1日", "生年月日 〈生年月日〉"),
        ("生年月日:S60.4.1", "生年月日:〈生年月日〉"),
        ("生年月日 19900401", "生年月日 〈生年月日〉"),
        ("生まれは1990年4月1日です", "生まれは〈生年月日〉です"),
        ("1990年4月生まれです", "〈生年月日〉生まれです"),
        ("平成2年4月1日生", "〈生年月日〉生"),
        ("生年月日:１９９０年４月１日", "生年月日:〈生年月日〉"),
        # several kinds in one text
        ("社員番号12345、生年月日1990年4月1日、口座番号1234567",
         "〈社員番号〉、生年月日〈生年月日〉、口座番号〈口座番号〉"),
        ("山田さんのLINE ID: yamada_t、生年月日1985/3/3", "〈氏名〉さんのLINE ID: 〈ID〉、生年月日〈生年月日〉"),
    ],
)
def test_masked(raw, expected):
    assert mask_personal_data(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        # amounts, times, counts
        "1234567円",
        "123万円",
        "残業45時間",
        "10時〜18時の勤務です",
        "普通預金に1234567円入金した",
        "普通 1000000円",
        "普通口座の残高が123万円",
        "当座 3日",
        "普通 10時から",
        "口座 2024年",
        # ordinary dates carry meaning for the analysis
        "4月1日に入社しました",
        "2026/04/01の勤怠",
        "入社日 2026年4月1日",
        "2026年4月1日付で異動",
        "口座に2026/04/01に振り込まれた",
        "誕生日休暇を4月1日に取りたい",
        "4月1日生産分の不良",
        "先生に4月1日に相談",
        "マイナンバーの提出期限は4月1日です",
        "1990年生まれです",  # a birth year alone is kept (age group)
        # ticket numbers and bare digit runs are not masked today: stay consistent
        "問い合わせ番号 12345",
        "受付番号は12345678です",
        "番号123456789012です",
        "123456789012",
        "1234 5678 9012",
        "マイナンバーは12345678901234",  # 14 digits: no My Number
        "記号12345",  # neither 番号 nor ゆうちょ: may be a part code
        # IDs need LINE or an @handle
        "ログインIDは12345です",
        "IDは12345です",
        "オンラインIDの件",
        "アカウントが@ロックされた",
        "個人番号カードを紛失",
        "マイナ保険証に切り替えました",
        "給料が安い",
    ],
)
def test_kept(raw):
    assert mask_personal_data(raw) == normalize(raw)


@pytest.mark.parametrize(
    "raw",
    ["普通 7654321", "口座番号は1234567です", "ゆうちょ 記号12345 番号12345678", "マイナンバーは1234 5678 9012です",
     "LINE ID: taro_yamada88", "LINEのIDは@abc123", "生年月日 1990年4月1日", "1990年4月1日生まれ", "誕生日は4月1日"],
)
def test_masking_is_idempotent(raw):
    once = mask_personal_data(raw)
    assert mask_personal_data(once) == once


def test_spans_types_and_keyword_outside():
    text = "口座番号は1234567、マイナンバーは1234 5678 9012、LINE ID: taro_88、生年月日 1990/04/01"
    spans = find_personal_data(text)
    assert [(s.type, text[s.start:s.end]) for s in spans] == [
        ("bank_account", "1234567"), ("my_number", "1234 5678 9012"), ("account_id", "taro_88"),
        ("birth_date", "1990/04/01")]


def test_email_wins_over_id_and_account_over_phone():
    assert mask_personal_data("LINE IDはtaro@example.com") == "LINE IDは〈メール〉"
    # a 10-digit account number starting with 0 is no phone number after 口座番号
    assert mask_personal_data("口座番号 0312345678") == "口座番号 〈口座番号〉"
    assert mask_personal_data("電話 0312345678") == "電話 〈電話〉"


def test_names_false_still_masks_the_new_kinds():
    assert mask_personal_data("佐藤さん 普通 7654321", names=False) == "佐藤さん 普通 〈口座番号〉"


def test_new_placeholders_never_become_tokens():
    texts = ["普通 7654321", "マイナンバー:123456789012", "IDは@abc", "口座番号は1234567です", "誕生日は4月1日"]
    out = process_frame(pd.DataFrame({"text": texts}), verbose=False)
    assert list(out["text_masked"]) == ["普通 〈口座番号〉", "マイナンバー:〈個人番号〉", "IDは〈ID〉",
                                        "口座番号は〈口座番号〉です", "誕生日は〈生年月日〉"]
    # only the kept keywords are words; the placeholders give none (〈ID〉 is no second 「ID」)
    assert list(out["tokens"]) == [["普通"], ["マイナンバー"], ["ID"], ["口座番号"], ["誕生日"]]


def test_classifier_masking_matches_masking():
    from mvvtext.classify import _tokens

    for raw in ["普通 7654321", "マイナンバーは1234 5678 9012です", "LINEのIDは@abc123", "誕生日は4月1日",
                "4月1日に入社しました"]:
        text = normalize(raw)
        _tokens._CACHE.pop(text, None)
        assert _tokens.mask_and_analyse(text) == mask_personal_data(text, normalize=False)

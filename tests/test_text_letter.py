"""Letter furniture left out of what the classifier reads (the stored masked text stays whole)."""
import pytest

from mvvtext.text._letter import letter_content


@pytest.mark.parametrize("text, content", [
    ("お疲れ様です。開発二部の〈氏名〉です。給与明細の見方を教えてください。よろしくお願いいたします。",
     "給与明細の見方を教えてください。"),
    ("件名:残業代の確認\nご担当者様\nいつもお世話になっております。横浜オフィス所属の〈氏名〉と申します。〈社員番号〉です。\n"
     "残業代が30時間分しか付いていません。\n--\n電気電子設計部\nMail: 〈メール〉",
     "件名:残業代の確認\n残業代が30時間分しか付いていません。"),
    ("電気電子設計部 〈氏名〉(〈社員番号〉)です。\n賞与の支給日を教えてください。\nご確認のほど、よろしくお願いいたします。",
     "賞与の支給日を教えてください。"),
    ("こんにちは。〈氏名〉です。席が足りません。 すみませんがよろしくです。", "席が足りません。"),
    ("確認をお願いします。連絡先は〈電話〉です。", "確認をお願いします。"),
    ("お疲れ様です。もう限界です。", "もう限界です。"),
    ("通勤手当が先月から支給されていません。〈社員番号〉の〈氏名〉です。", "通勤手当が先月から支給されていません。"),
])
def test_greetings_introductions_contacts_and_signatures_are_left_out(text, content):
    assert letter_content(text) == content


@pytest.mark.parametrize("text", [
    "パワハラをしているのは上司の〈氏名〉です。",            # a name in content, after は
    "休職中の者です。復職の手続きを確認したいです。",          # 「〜の者です」 can carry news
    "対応をよろしくお願いします。",                           # an ask, not a bare closing
    "お疲れ様です。",                                         # nothing else: the text stays whole
    "【電話メモ】〈氏名〉様より入電。通勤手当の件とのこと。",   # phone memos keep their header
    "",
])
def test_content_and_texts_that_are_only_furniture_are_kept(text):
    assert letter_content(text) == text


def test_the_classifier_reads_the_content_but_stores_the_whole_masked_text():
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from pathlib import Path

    import pandas as pd

    from mvvtext.classify import VoiceClassifier

    mini = Path(__file__).parent / "data" / "mini_profile.yaml"
    vc = VoiceClassifier(mini, embedder="tfidf", use_default_examples="profile").fit()
    plain = vc.predict(pd.DataFrame({"text": ["給料が安くて困っています。"]}), verbose=False)
    letter = vc.predict(pd.DataFrame({"text": ["お疲れ様です。給料が安くて困っています。よろしくお願いいたします。"]}),
                        verbose=False)
    assert letter["text_masked"].iloc[0].startswith("お疲れ様です。")
    score_cols = [c for c in plain.columns if c.startswith("score_") or c in ("primary", "intent", "sentiment")]
    pd.testing.assert_frame_equal(plain[score_cols], letter[score_cols])


def test_an_ask_run_into_a_contact_line_without_punctuation_is_kept():
    assert letter_content("評価の件です。確認お願いします🙏連絡先は〈電話〉です。") == "評価の件です。確認お願いします🙏連絡先は〈電話〉です。"

"""The channel (inquiry / survey / post) as a feature of the supervised heads."""
import json

import numpy as np
import pandas as pd
import pytest

from mvvtext.classify import SupervisedClassifier, VoiceClassifier
from mvvtext.classify._features import TextFeatures, channel_codes

MINI = "tests/data/mini_profile.yaml"

# The same words written at the desk are a question, on the SNS a report: only the channel tells them apart.
SAME = "来週の研修の件です。"
LABELLED = pd.DataFrame(
    [{"text": f"{SAME}{tail}", "channel": ch, "intent": intent}
     for tail in ("", "以上。", "よろしくです。", "メモ。", "共有まで。", "念のため。")
     for ch, intent in (("inquiry", "question"), ("post", "report"))])


def test_channel_codes_lower_case_and_missing():
    assert channel_codes(["Inquiry ", "post", None, np.nan, pd.NA, ""]) == ["inquiry", "post", None, None, None, None]


def test_text_features_one_hot_block_over_seen_channels():
    texts = ["給料が低い", "評価が不透明", "ありがとう", "給料が低い"]
    tf = TextFeatures(rule_weight=0, channel_weight=2.0).fit(texts, channels=["inquiry", "post", None, "survey"])
    assert tf.channels_ == ["inquiry", "post", "survey"]
    X = tf.transform(texts, channels=["post", "unknown", None, "SURVEY"]).toarray()
    block = X[:, -3:]
    assert block.tolist() == [[0, 2, 0], [0, 0, 0], [0, 0, 0], [0, 0, 2]]
    without = tf.transform(texts).toarray()  # no channels at predict time: zeros, same width
    assert without.shape == X.shape and not without[:, -3:].any()
    with pytest.raises(ValueError, match="3 channels for 4 texts"):
        tf.transform(texts, channels=["post"] * 3)


def test_no_channels_in_fit_means_no_block():
    texts = ["給料が低い", "評価が不透明", "ありがとう"]
    plain = TextFeatures(rule_weight=0).fit(texts)
    assert plain.channels_ == []
    assert plain.transform(texts, channels=["post"] * 3).shape == plain.transform(texts).shape


def test_supervised_intent_follows_the_channel():
    sup = SupervisedClassifier(rule_weight=0, cv=0).fit(LABELLED["text"], LABELLED[["intent"]],
                                                        channels=LABELLED["channel"].tolist())
    pred = sup.predict([SAME, SAME], channels=["inquiry", "post"])
    assert pred["intent"].tolist() == ["question", "report"]


def test_channel_fields_choose_the_heads_that_see_it():
    y = LABELLED.assign(primary="other")[["intent", "primary"]]
    sup = SupervisedClassifier(rule_weight=0, cv=0, channel_fields=("primary",))
    sup.fit(LABELLED["text"], y, channels=LABELLED["channel"].tolist())
    intent = sup.predict_proba([SAME, SAME], channels=["inquiry", "post"])["intent"]
    assert np.allclose(intent.iloc[0], intent.iloc[1])  # intent no longer sees the channel


def test_voice_classifier_reads_the_channel_column_and_keeps_it_after_save(tmp_path):
    vc = VoiceClassifier(MINI, embedder=None, use_default_examples=False).fit(LABELLED)
    assert vc.supervised_.features_.channels_ == ["inquiry", "post"]
    frame = pd.DataFrame({"text": [SAME, SAME, SAME], "channel": ["inquiry", "post", None]}, index=[7, 8, 9])
    pred = vc.predict(frame)
    assert pred.index.tolist() == [7, 8, 9]
    assert pred.loc[[7, 8], "intent"].tolist() == ["question", "report"]
    renamed = vc.predict(frame.rename(columns={"channel": "経路"}), channel="経路")
    assert renamed["intent"].tolist() == pred["intent"].tolist()
    vc.save(tmp_path / "m")
    assert json.loads((tmp_path / "m" / "config.json").read_text())["channels"] == ["inquiry", "post"]
    again = VoiceClassifier.load(tmp_path / "m", profile=MINI)
    assert again.predict(frame)["intent"].tolist() == pred["intent"].tolist()
    parallel = vc.predict(pd.concat([frame] * 200, ignore_index=True), n_jobs=2)
    assert parallel["intent"].tolist() == pred["intent"].tolist() * 200


def test_a_model_saved_before_channels_still_loads(tmp_path):
    vc = VoiceClassifier(MINI, embedder=None, use_default_examples=False).fit(LABELLED.drop(columns="channel"))
    vc.save(tmp_path / "old")
    config_file = tmp_path / "old" / "config.json"
    config = json.loads(config_file.read_text())
    del config["channels"]
    config["supervised_params"].pop("channel_weight")
    config["supervised_params"].pop("channel_fields")
    config_file.write_text(json.dumps(config, ensure_ascii=False))
    old = VoiceClassifier.load(tmp_path / "old", profile=MINI)
    assert old.supervised_.features_.channels_ == []
    frame = pd.DataFrame({"text": [SAME], "channel": ["post"]})
    assert old.predict(frame)["intent"].tolist() == vc.predict(frame)["intent"].tolist()


# Desk mails and SNS posts that their wording tells apart, ten or more of each (MIN_CHANNEL_TEXTS).
_ASKED = "給与 賞与 評価 研修 有給 残業 異動 手当 通勤 健診 面談 契約".split()
_TEAMS = "開発 営業 総務 品質 設計 検証 保守 企画 広報 経理 人事 製造".split()
STYLED = pd.DataFrame(
    [{"text": f"件名：{a}について\nお世話になっております。{a}について教えてください。", "channel": "inquiry",
      "intent": "question"} for a in _ASKED]
    + [{"text": f"{team}のチームのみんな、ありがとう！ #感謝 #共有", "channel": "post", "intent": "praise"}
       for team in _TEAMS])


def test_a_missing_channel_is_guessed_from_the_text():
    tf = TextFeatures(rule_weight=0, channel_weight=2.0).fit(STYLED["text"], channels=STYLED["channel"].tolist())
    assert tf.channel_model_ is not None
    new = ["件名：社宅について\nお世話になっております。社宅について教えてください。", "デザインのチームのみんな、ありがとう！ #感謝"]
    assert tf.predict_channels(new) == ["inquiry", "post"]
    block = tf.transform(new + new, channels=[None, "unknown", "post", "inquiry"]).toarray()[:, -2:]
    assert np.allclose(block.sum(axis=1), 2.0)  # probabilities of the channels, times the block weight
    assert block[0, 0] > block[0, 1] and block[1, 1] > block[1, 0]
    assert block[2:].tolist() == [[0, 2], [2, 0]]  # a given channel stays one-hot, even against the wording
    assert not tf.transform(new, guess_channels=False).toarray()[:, -2:].any()
    per_row = tf.transform(new, guess_channels=[False, True]).toarray()[:, -2:]  # as fit does for the user's rows
    assert not per_row[0].any() and np.allclose(per_row[1], block[1])


def test_too_few_texts_of_a_channel_means_no_guess():
    few = STYLED.iloc[list(range(12)) + [12, 13, 14]]
    tf = TextFeatures(rule_weight=0).fit(few["text"], channels=few["channel"].tolist())
    assert tf.channels_ == ["inquiry", "post"] and tf.channel_model_ is None
    assert tf.predict_channels(["ありがとう！"]) == [None]
    assert not tf.transform(["ありがとう！"]).toarray()[:, -2:].any()



def test_fit_transform_equals_fit_then_transform():
    channels = STYLED["channel"].tolist()[:-1] + [None]
    tf = TextFeatures(rule_weight=0)
    X = tf.fit_transform(STYLED["text"], channels=channels, guess_channels=[False] * 23 + [True]).toarray()
    again = tf.transform(STYLED["text"], channels=channels, guess_channels=[False] * 23 + [True]).toarray()
    assert np.allclose(X, again) and X[-1, -2:].sum() == pytest.approx(1.0)
    plain = TextFeatures(rule_weight=0)  # no channels: no channel model, the blocks built once in fit_transform
    assert np.allclose(plain.fit_transform(STYLED["text"]).toarray(), plain.transform(STYLED["text"]).toarray())


def test_the_channel_guess_is_saved_with_the_model(tmp_path):
    vc = VoiceClassifier(MINI, embedder=None, use_default_examples=False).fit(STYLED)
    assert vc.supervised_.features_.channel_model_ is not None
    frame = pd.DataFrame({"text": ["件名：社宅について\n社宅について教えてください。", "みんな、ありがとう！ #感謝"]})
    before = vc.supervised_.predict_proba(frame["text"])["intent"]
    vc.save(tmp_path / "m")
    again = VoiceClassifier.load(tmp_path / "m", profile=MINI)
    assert again.supervised_.features_.channel_model_ is not None
    pd.testing.assert_frame_equal(again.supervised_.predict_proba(frame["text"])["intent"], before)


def test_user_rows_without_a_channel_are_fitted_with_the_guess(monkeypatch):
    no_channel = pd.DataFrame({"text": ["件名：社宅について\n社宅について教えてください。"] * 3, "intent": ["question"] * 3})
    seen = []
    fit_transform = TextFeatures.fit_transform

    def spy(self, X, *args, **kwargs):
        out = fit_transform(self, X, *args, **kwargs)
        seen.append(out.toarray())
        return out

    monkeypatch.setattr(TextFeatures, "fit_transform", spy)
    vc = VoiceClassifier(MINI, embedder=None, use_default_examples=False)
    vc.fit(pd.concat([STYLED, no_channel], ignore_index=True))
    [fitted] = seen  # the training matrix
    assert fitted.shape[0] == len(STYLED) + 3
    assert fitted[-3:, -2:].sum(axis=1) == pytest.approx([1.0] * 3)  # guessed, not all zeros
    assert fitted[-3:, -2:].argmax(axis=1).tolist() == [0, 0, 0]  # inquiry
    assert vc.predict(no_channel)["intent"].tolist() == ["question"] * 3

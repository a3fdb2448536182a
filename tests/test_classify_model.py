"""Supervised / zero-shot estimators, VoiceClassifier, analyze, save/load, evaluate."""
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from mvvtext.classify import (SupervisedClassifier, VoiceClassifier, ZeroShotClassifier, analyze, evaluate,
                              format_evaluation, load_profile, train)
from mvvtext.classify._data import profile_examples
from mvvtext.embed import TfidfEmbedder
from mvvtext.exceptions import InputError, ModelMismatchError, ModelNotFoundError, NotFittedError

MINI = "tests/data/mini_profile.yaml"
LABELLED = [
    {"text": "給料の振込日が遅れています。困っています。", "topics": ["pay"], "primary": "pay",
     "intent": "complaint", "sentiment": -1, "risks": [], "values": []},
    {"text": "毎日終電まで残業で、もう辞めたいです。", "topics": ["workload"], "primary": "workload",
     "intent": "complaint", "sentiment": -2, "risks": ["resignation"], "values": []},
    {"text": "チームで協力して無事リリースできました。ありがとう！", "topics": ["other"], "primary": "other",
     "intent": "praise", "sentiment": 2, "risks": [], "values": ["teamwork"]},
    {"text": "賞与の支給日を教えてください。", "topics": ["pay"], "primary": "pay", "intent": "question",
     "sentiment": 0, "risks": [], "values": []},
]


@pytest.fixture(scope="module")
def fitted():
    return VoiceClassifier(MINI, embedder="tfidf", use_default_examples="profile").fit()


def test_unfitted_raise_not_fitted():
    for est in (VoiceClassifier(MINI), SupervisedClassifier(), ZeroShotClassifier(TfidfEmbedder(), profile=MINI)):
        with pytest.raises(NotFittedError):
            est.predict(["給料"])
    assert issubclass(NotFittedError, (ValueError, AttributeError))


@pytest.mark.parametrize("est", [
    VoiceClassifier(MINI, embedder="tfidf"),
    SupervisedClassifier(embedder="tfidf", C=2.0),
    ZeroShotClassifier("tfidf", "intent", MINI, temperature=0.1),
])
def test_clone_keeps_params(est):
    twin = clone(est)
    assert twin.get_params() == est.get_params() and twin is not est


def test_zero_shot_prefers_the_label_of_its_own_examples():
    zs = ZeroShotClassifier(TfidfEmbedder(), "topics", MINI).fit()
    proba = zs.predict_proba(["今月の給与明細の残業代が少ない気がします。"])
    assert proba.shape == (1, 6) and np.allclose(proba.sum(axis=1), 1)
    assert zs.predict(["今月の給与明細の残業代が少ない気がします。"])[0] == "pay"
    code, example, sim = zs.nearest_example(["今月の給与明細の残業代が少ない気がします。"])[0]
    assert code == "pay" and sim > 0.9


def test_supervised_in_a_pipeline():
    p = load_profile(MINI)
    ex = profile_examples(p).dropna(subset=["primary"])
    pipe = Pipeline([("clf", SupervisedClassifier(embedder=None, profile=MINI, cv=0))])
    pipe.fit(ex["text"].tolist(), ex[["topics", "primary"]])
    out = pipe.predict(["ボーナスの支給日を教えてください。"])
    assert list(out.columns) == ["topics", "primary"] and out.loc[0, "primary"] == "pay"
    proba = pipe.named_steps["clf"].predict_proba(["ボーナスの支給日を教えてください。"])
    assert set(proba) == {"topics", "primary"} and np.allclose(proba["primary"].sum(axis=1), 1)


def test_voice_classifier_columns(fitted):
    out = fitted.predict(["今月の給料の明細を教えてください。", "もう辞めたいです。眠れない日が続いています。"])
    for col in ("text_masked", "topics", "primary", "intent", "sentiment", "risks", "values", "evidence",
                "score_topic_pay", "score_intent_question", "score_value_teamwork", "score_risk_health"):
        assert col in out.columns, col
    assert out.loc[0, "primary"] == "pay" and "pay" in out.loc[0, "topics"]
    assert out.loc[0, "intent"] == "question"
    assert {"resignation", "health"} <= set(out.loc[1, "risks"])
    assert "給料" in out.loc[0, "evidence"] and "nearest:" in out.loc[0, "evidence"]
    scores = out.filter(like="score_").to_numpy()
    assert ((scores >= 0) & (scores <= 1)).all()
    assert out["sentiment"].between(-2, 2).all()


def test_analyze_keeps_index_rows_and_empty_texts(fitted):
    df = pd.DataFrame({"text": ["給料が安すぎて困っています", "", None, "特になし", "  "],
                       "site": list("abcde")}, index=[10, 7, 3, 99, 1])
    original = df.copy()
    out = analyze(df, model=fitted, verbose=False)
    pd.testing.assert_frame_equal(df, original)           # caller's frame untouched
    assert list(out.index) == [10, 7, 3, 99, 1] and list(out["site"]) == list("abcde")
    for i in (7, 3, 1):
        assert out.loc[i, "primary"] == "other" and out.loc[i, "topics"] == ["other"]
        assert out.loc[i, "sentiment"] == 0 and out.loc[i, "risks"] == [] and out.loc[i, "values"] == []
        assert out.loc[i, "text_masked"] == ""
    assert out.loc[99, "sentiment"] == 0                   # filler
    assert out.loc[10, "primary"] == "pay"


def test_analyze_masks_personal_data(fitted):
    out = analyze(pd.DataFrame({"text": ["折り返しは090-1234-5678までお願いします"]}), model=fitted, verbose=False)
    assert "090" not in out.loc[0, "text_masked"] and "〈電話〉" in out.loc[0, "text_masked"]


def test_analyze_rejects_missing_or_numeric_column(fitted):
    with pytest.raises(InputError, match="body"):
        analyze(pd.DataFrame({"text": ["a"]}), text="body", model=fitted, verbose=False)
    with pytest.raises(InputError, match="numbers"):
        analyze(pd.DataFrame({"text": [1, 2]}), model=fitted, verbose=False)


def test_train_with_labels_and_evaluate(tmp_path):
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in LABELLED), encoding="utf-8")
    model = VoiceClassifier(MINI, embedder="tfidf", use_default_examples="profile").fit(pd.read_json(path, lines=True))
    assert model.n_labelled_ == 4
    result = evaluate(path, model=model, profile=MINI)
    assert result["n"] == 4 and {"primary", "intent", "topics", "values", "risks"} <= set(result["summary"])
    assert result["confusion"]["intent"].to_numpy().sum() == 4
    text = format_evaluation(result)
    assert "confusion matrix" in text and "sentiment Spearman" in text


def test_save_load_round_trip_and_errors(fitted, tmp_path):
    texts = ["今月の給料の明細を教えてください。", "上司からのパワハラがつらいです。", ""]
    fitted.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text(encoding="utf-8"))
    assert config["profile_hash"] == load_profile(MINI).hash and config["embedder_id"].startswith("tfidf")
    assert {"mvvtext_version", "sklearn_version", "labels", "created"} <= set(config)
    assert not list((tmp_path / "m").glob("*.pkl"))
    loaded = VoiceClassifier.load(tmp_path / "m", profile=MINI)
    pd.testing.assert_frame_equal(loaded.predict(texts), fitted.predict(texts))
    out = analyze(pd.DataFrame({"text": texts}), model=str(tmp_path / "m"), profile=MINI, verbose=False)
    assert list(out["primary"]) == list(fitted.predict(texts)["primary"])

    with pytest.raises(ModelMismatchError, match="different profile"):
        VoiceClassifier.load(tmp_path / "m")                      # the default profile is not MINI
    (tmp_path / "m" / "heads.skops").unlink()
    with pytest.raises(ModelNotFoundError, match="heads.skops"):
        VoiceClassifier.load(tmp_path / "m", profile=MINI)
    with pytest.raises(ModelNotFoundError, match="not found"):
        VoiceClassifier.load(tmp_path / "nothing", profile=MINI)


def test_train_function_accepts_frame():
    vc = train(pd.DataFrame(LABELLED), profile=MINI, embedder=None)
    assert isinstance(vc, VoiceClassifier) and vc.n_labelled_ == 4
    assert vc.predict(["賞与はいつ出ますか"]).loc[0, "primary"] == "pay"

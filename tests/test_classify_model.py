"""Supervised / zero-shot estimators, VoiceClassifier, analyze, save/load, evaluate."""
import json
import logging

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from mvvtext.classify import (SupervisedClassifier, VoiceClassifier, ZeroShotClassifier, analyze, evaluate,
                              format_evaluation, load_profile, train)
from mvvtext.classify._data import profile_examples
from mvvtext.classify._profile import default_profile_path
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


def test_rows_unlabelled_for_a_field_train_no_head_of_it():
    texts = ["給与明細の見方を教えてください。", "残業代が出ていません。おかしいです。", "賞与の支給日はいつですか。",
             "評価の理由が説明されず納得できません。", "もう辞めたいです。", "眠れない日が続いています。"]
    y = pd.DataFrame({"intent": ["question", "complaint", "question", "complaint", None, None],
                      "risks": [[], [], [], [], ["resignation"], ["health"]]})
    sup = SupervisedClassifier(embedder=None, profile=MINI, cv=0).fit(texts, y)
    assert list(sup.classes_["intent"]) == ["complaint", "question"]  # no "None" class
    assert set(sup.classes_["risks"]) == {"resignation", "health"}


def test_shipped_risk_only_rows_load_as_unlabelled():
    from mvvtext.classify._data import shipped_training

    rows = shipped_training()
    risk_only = rows[rows["id"].str.startswith("TR-Q-")]
    assert len(risk_only) and risk_only["intent"].isna().all() and risk_only["topics"].isna().all()
    assert all(r == [] for r in risk_only["risks"])


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


def test_analyze_keeps_the_frame_attrs(fitted):
    df = pd.DataFrame({"text": ["給料が安い", "残業が多い"], "部署": ["a", "b"]})
    df.attrs = {"mvvtext_segments": ["部署"], "mvvtext_source": "v.csv"}
    out = analyze(df, model=fitted, verbose=False)
    assert out.attrs["mvvtext_segments"] == ["部署"] and out.attrs["mvvtext_source"] == "v.csv"


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
    assert result["n_seen"] == 4 and "WARNING: 4 of 4 texts were in the model's training data" in text

    model.save(tmp_path / "m")                               # the digests survive saving, never the texts
    saved = (tmp_path / "m" / "train_texts.json").read_text(encoding="utf-8")
    assert LABELLED[0]["text"] not in saved
    unseen = pd.DataFrame([{**LABELLED[0], "text": "寮の申し込み方法を教えてください。"},
                           {**LABELLED[1], "text": LABELLED[1]["text"]}])
    result = evaluate(unseen, model=str(tmp_path / "m"), profile=MINI)
    assert result["n_seen"] == 1 and "1 of 2 texts" in format_evaluation(result)


def test_save_load_round_trip_and_errors(fitted, tmp_path, caplog):
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

    assert load_profile(tmp_path / "m" / "profile.yaml").hash == config["profile_hash"]   # its own copy
    with caplog.at_level(logging.WARNING):                     # no profile named: the model's own profile
        own = VoiceClassifier.load(tmp_path / "m")
    assert "copy saved with the model" in caplog.text
    pd.testing.assert_frame_equal(own.predict(texts), fitted.predict(texts))
    with pytest.raises(ModelMismatchError, match="different profile"):
        VoiceClassifier.load(tmp_path / "m", profile=default_profile_path())   # named, and not MINI
    (tmp_path / "m" / "profile.yaml").unlink()                 # a folder saved before the copy existed
    with pytest.raises(ModelMismatchError, match="different profile"):
        VoiceClassifier.load(tmp_path / "m")
    (tmp_path / "m" / "heads.skops").unlink()
    with pytest.raises(ModelNotFoundError, match="heads.skops"):
        VoiceClassifier.load(tmp_path / "m", profile=MINI)
    with pytest.raises(ModelNotFoundError, match="not found"):
        VoiceClassifier.load(tmp_path / "nothing", profile=MINI)


def test_train_function_accepts_frame():
    vc = train(pd.DataFrame(LABELLED), profile=MINI, embedder=None)
    assert isinstance(vc, VoiceClassifier) and vc.n_labelled_ == 4
    assert vc.predict(["賞与はいつ出ますか"]).loc[0, "primary"] == "pay"


@pytest.mark.parametrize("weight", [0, -1.0, float("nan"), float("inf"), "heavy", True, None])
def test_labelled_weight_is_validated_in_fit(weight):
    vc = VoiceClassifier(MINI, embedder=None, use_default_examples="profile", labelled_weight=weight)
    assert vc.get_params()["labelled_weight"] is weight       # stored untouched by __init__
    with pytest.raises(ValueError, match="'labelled_weight' parameter of VoiceClassifier"):
        vc.fit(pd.DataFrame(LABELLED))


def test_labelled_weight_changes_the_fit_and_survives_save_load(tmp_path):
    frame = pd.DataFrame(LABELLED)
    texts = [r["text"] for r in LABELLED]
    equal = VoiceClassifier(MINI, embedder=None, use_default_examples="profile", labelled_weight=1.0).fit(frame)
    heavy = VoiceClassifier(MINI, embedder=None, use_default_examples="profile", labelled_weight=30.0).fit(frame)
    auto = VoiceClassifier(MINI, embedder=None, use_default_examples="profile").fit(frame)
    assert equal.labelled_weight_ == 1.0 and heavy.labelled_weight_ == 30.0
    n_default = auto.n_train_ - len(LABELLED)
    assert auto.labelled_weight_ == pytest.approx(min(20.0, max(1.0, n_default / len(LABELLED))))
    # the user's own labels weigh more: their intent scores on their own texts rise
    p_equal = equal.supervised_.predict_proba(texts)["intent"]
    p_heavy = heavy.supervised_.predict_proba(texts)["intent"]
    own = [r["intent"] for r in LABELLED]
    s_equal = np.array([p_equal.loc[i, c] for i, c in enumerate(own)])
    s_heavy = np.array([p_heavy.loc[i, c] for i, c in enumerate(own)])
    assert (s_heavy > s_equal + 0.02).all(), (s_equal, s_heavy)
    # no labelled rows: nothing to weigh
    assert VoiceClassifier(MINI, embedder=None, use_default_examples="profile").fit().labelled_weight_ == 1.0

    heavy.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text(encoding="utf-8"))
    assert config["labelled_weight"] == 30.0 and config["labelled_weight_used"] == 30.0
    loaded = VoiceClassifier.load(tmp_path / "m", profile=MINI)
    assert loaded.labelled_weight == 30.0 and loaded.labelled_weight_ == 30.0
    pd.testing.assert_frame_equal(loaded.predict(texts), heavy.predict(texts))


def test_risk_threshold_keeps_the_precision_floor():
    from mvvtext.classify._supervised import choose_threshold

    # four positives scored 0.9 / 0.6 / 0.4 / 0.2, four negatives 0.5 / 0.3 / 0.15 / 0.12
    Y = np.array([[1], [1], [1], [1], [0], [0], [0], [0]])
    P = np.array([[0.9], [0.6], [0.4], [0.2], [0.5], [0.3], [0.15], [0.12]])
    loose = choose_threshold(Y, P, "risks", min_precision=0.6)   # all 4 found at precision 4/6
    strict = choose_threshold(Y, P, "risks", min_precision=0.8)  # 3 of 4 would be precision 0.75: 2 of 4
    assert 0.15 < loose <= 0.2 and 0.5 < strict <= 0.6
    assert SupervisedClassifier().risk_min_precision == 0.8


def test_supervised_sample_weight_validated_and_used():
    from mvvtext.classify._supervised import choose_threshold

    p = load_profile(MINI)
    ex = profile_examples(p).dropna(subset=["primary"]).reset_index(drop=True)
    clf = SupervisedClassifier(embedder=None, profile=MINI, cv=0)
    with pytest.raises(ValueError, match="sample_weight"):
        clf.fit(ex["text"].tolist(), ex[["primary"]], sample_weight=np.ones(len(ex) - 1))
    with pytest.raises(ValueError, match="sample_weight"):
        clf.fit(ex["text"].tolist(), ex[["primary"]], sample_weight=-np.ones(len(ex)))
    w = np.ones(len(ex))
    w[0] = 50.0
    plain = clone(clf).fit(ex["text"].tolist(), ex[["primary"]]).predict_proba(ex["text"].tolist()[:1])
    weighted = clone(clf).fit(ex["text"].tolist(), ex[["primary"]], sample_weight=w).predict_proba(
        ex["text"].tolist()[:1])
    code = ex.loc[0, "primary"]
    assert weighted["primary"].loc[0, code] > plain["primary"].loc[0, code]

    # thresholds: a heavy negative row scored 0.6 pushes the threshold above it
    Y = np.array([[1], [1], [0], [0]])
    P = np.array([[0.2], [0.9], [0.1], [0.6]])
    assert choose_threshold(Y, P, "topics") <= 0.2
    assert choose_threshold(Y, P, "topics", sample_weight=[1, 1, 1, 10]) > 0.6


def test_intent_weight_search_runs_with_enough_labels_and_is_saved(tmp_path):
    rows = [dict(r, text=f"{r['text']}（{i}）") for i in range(10) for r in LABELLED]    # 40 labelled rows
    vc = VoiceClassifier(MINI, embedder=None, use_default_examples="profile").fit(pd.DataFrame(rows))
    found = vc.supervised_.labelled_weights_
    assert list(found) == ["intent"] and found["intent"]["chosen"] in ("given", 0.01, 0.3, 1.0)
    vc.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text(encoding="utf-8"))
    assert config["labelled_weights"]["intent"]["chosen"] == found["intent"]["chosen"]
    loaded = VoiceClassifier.load(tmp_path / "m", profile=MINI)
    assert loaded.supervised_.labelled_weights_ == found                    # the scores keyed by floats again
    small = VoiceClassifier(MINI, embedder=None, use_default_examples="profile").fit(pd.DataFrame(LABELLED))
    assert small.supervised_.labelled_weights_ == {}                                    # 4 rows: no search


def test_an_excluded_risk_word_halves_the_head_and_head_flags_are_evidenced(fitted, monkeypatch):
    from mvvtext.classify import _decide

    sup = fitted.supervised_
    real = sup.predict_scores
    head = min(1.0, 1.5 * sup.thresholds_.get("risks", 0.35))  # over the threshold, under it once halved

    def confident_risk_head(X, embeddings=None, channels=None):
        out = real(X, embeddings=embeddings, channels=channels)
        if "risks" in out:
            out["risks"] = np.full_like(out["risks"], head)
        return out

    monkeypatch.setattr(sup, "predict_scores", confident_risk_head)
    if "risks" not in sup.heads_:
        pytest.skip("the mini model has no risk head")
    texts = ["限界値テストを実施しました。", "会議室の予約方法を教えてください。"]
    _, decisions = _decide.decide(fitted, texts, None)
    assert "health" not in decisions["risks"][0]              # 限界 cancelled by 限界値: the head is halved
    assert "legal" in decisions["risks"][0]                   # no pattern involved: the head alone flags
    assert "health" in decisions["risks"][1] and f"health (model {head:.2f})" in decisions["evidence"][1]
    # no pattern at all, but every sentence is in the excluded sense (退職金): halved as well
    texts = ["退職金の計算方法を教えてください。", "退職金の計算方法を教えてください。最近つらいです。"]
    _, decisions = _decide.decide(fitted, texts, None)
    assert "resignation" not in decisions["risks"][0] and "legal" in decisions["risks"][0]
    assert "resignation" in decisions["risks"][1]             # one sentence outside the excludes keeps the flag


def test_excluded_throughout_needs_every_sentence(fitted):
    rp = fitted.risk_patterns_
    assert rp.excluded_throughout("退職金はいつ出ますか。退職金の額も知りたい。", "resignation") == "退職金"
    assert rp.excluded_throughout("退職金はいつ出ますか。疲れました。", "resignation") is None
    assert rp.excluded_throughout("退職金はいつ出ますか。", "legal") is None       # legal has no excludes


def test_the_progress_bar_counts_texts_and_changes_no_prediction(fitted, capsys):
    texts = pd.DataFrame({"text": [f"給与の振込日を教えてください（{i}）" if i % 2 else f"上司に感謝しています{i}"
                                   for i in range(150)]})
    quiet = fitted.predict(texts, verbose=False)
    shown = fitted.predict(texts, verbose=True)  # batches of 64 rather than 512
    pd.testing.assert_frame_equal(quiet, shown)
    assert "150/150" in capsys.readouterr().err


def test_evidence_names_only_rules_of_the_labels_chosen(fitted):
    import re

    texts = pd.DataFrame({"text": ["給料が安くて困っています。", "賞与の支給日はいつですか。", "チームのみんなに感謝しています。"]})
    out = fitted.predict(texts, verbose=False)
    for _, row in out.iterrows():
        rules = row["evidence"].split(" | ")[0]
        if not rules.startswith("rules: "):
            continue
        chosen = {*row["topics"], row["intent"], *row["values"]}
        named = set(re.findall(r"(?:^rules: |, )([a-z_]+)\[", rules))
        assert named and named <= chosen, (row["evidence"], chosen)


def test_a_bare_denial_is_not_negative_and_no_complaint(fitted):
    out = fitted.predict(["給料に不満はない。", "給料に不満はないが、残業代が遅いのは困ります。", "不満です。"])
    assert out.loc[0, "sentiment"] >= 0 and out.loc[0, "intent"] != "complaint"
    assert out.loc[1, "sentiment"] < 0                     # a contrast follows: the denial is not all it says
    assert out.loc[2, "sentiment"] < 0


def test_filler_answers_are_neutral_reports_about_nothing(fitted):
    out = fitted.predict(["ﾄｸﾆﾅｼ", "とくにありません。", "特にございません"])
    assert (out["sentiment"] == 0).all() and (out["intent"] == "report").all()
    assert (out["primary"] == "other").all() and all(t == ["other"] for t in out["topics"])


def test_a_profile_edited_since_training_is_named_as_changed(fitted, tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text(open(MINI, encoding="utf-8").read(), encoding="utf-8")
    model = VoiceClassifier(str(profile), embedder="tfidf", use_default_examples="profile").fit()
    model.save(tmp_path / "m")
    profile.write_text(profile.read_text(encoding="utf-8").replace("テスト株式会社", "改名株式会社"), encoding="utf-8")
    with pytest.raises(ModelMismatchError, match="has changed since the model"):
        VoiceClassifier.load(tmp_path / "m", profile=str(profile))

"""The blended sentiment head and per-field regularisation."""
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from mvvtext.classify import SupervisedClassifier
from mvvtext.classify._heads import BlendedSentiment
from mvvtext.exceptions import NotFittedError

rng = np.random.default_rng(0)
X = rng.normal(size=(120, 6))
y = np.clip(np.round(X[:, 0] * 1.5 + rng.normal(scale=0.3, size=120)), -2, 2)


def test_blend_zero_is_plain_ridge():
    head = BlendedSentiment(alpha=2.0, blend=0.0).fit(X, y)
    assert head.classifier_ is None
    assert np.allclose(head.predict(X), np.clip(Ridge(alpha=2.0).fit(X, y).predict(X), -2, 2))


def test_blend_mixes_the_expected_class_and_stays_in_range():
    plain = BlendedSentiment(blend=0.0).fit(X, y).predict(X)
    head = BlendedSentiment(blend=0.5).fit(X, y)
    pred = head.predict(X)
    assert head.classifier_ is not None and list(head.classifier_.classes_) == [-2, -1, 0, 1, 2]
    expected = head.classifier_.predict_proba(X) @ np.arange(-2, 3)
    assert np.allclose(pred, 0.5 * plain + 0.5 * expected)
    assert pred.min() >= -2 and pred.max() <= 2


def test_one_class_falls_back_to_ridge_and_weights_are_used():
    head = BlendedSentiment().fit(X, np.zeros(len(X)))
    assert head.classifier_ is None
    w = np.where(y > 0, 20.0, 1.0)
    assert not np.allclose(BlendedSentiment().fit(X, y, sample_weight=w).predict(X),
                           BlendedSentiment().fit(X, y).predict(X))
    with pytest.raises(NotFittedError):
        BlendedSentiment().predict(X)


def test_field_C_overrides_C_per_head():
    texts = ["チームで協力できた", "顧客に感謝された", "新しい技術を学んだ", "給料が低い"] * 3
    labels = pd.DataFrame({"values": [["teamwork"], ["customer"], ["learning"], []] * 3,
                           "topics": [["relations"], ["client_site"], ["career"], ["pay"]] * 3})
    sup = SupervisedClassifier(rule_weight=0, cv=0, C=4.0, field_C={"values": 0.5}).fit(texts, labels)
    assert {e.C for e in sup.heads_["values"].estimators_} == {0.5}
    assert {e.C for e in sup.heads_["topics"].estimators_} == {4.0}
    default = SupervisedClassifier(rule_weight=0, cv=0).fit(texts, labels)
    assert {e.C for e in default.heads_["values"].estimators_} == {2.0}


def test_stacked_one_vs_rest_probabilities_equal_scikit_learns():
    texts = ["チームで協力できた", "顧客に感謝された", "新しい技術を学んだ", "給料が低い", "評価が不透明",
             "休みが取りにくい"] * 3
    labels = pd.DataFrame({
        "topics": [["relations"], ["client_site"], ["career"], ["pay"], ["evaluation"], ["workload"]] * 3,
        "intent": ["praise", "praise", "report", "complaint", "complaint", "question"] * 3,
        "risks": [[], [], [], [], [], ["health"]] * 3,  # one code: a single binary model, the plain path
    })
    sup = SupervisedClassifier(rule_weight=0, cv=0).fit(texts, labels)
    _, Xf = sup._features(texts + ["給料と評価に不満"])
    for field in ("topics", "intent", "risks"):
        head = sup.heads_[field]
        Xh = sup._for_field(Xf, field)
        assert np.allclose(sup._head_proba(field, head, Xh), head.predict_proba(Xh), rtol=0, atol=1e-12)
    assert sup.__dict__["_stacked"]["risks"][1] is None
    assert sup.__dict__["_stacked"]["topics"][1] is not None
    rows = sup._head_proba("intent", sup.heads_["intent"], Xf)
    assert np.allclose(rows.sum(axis=1), 1.0)  # single-label heads are normalised like scikit-learn's


def test_stacked_heads_follow_a_refit():
    texts = ["給料が低い", "評価が不透明", "休みが取りにくい", "上司に感謝"] * 3
    sup = SupervisedClassifier(rule_weight=0, cv=0)
    first = pd.DataFrame({"intent": ["complaint", "complaint", "question", "praise"] * 3})
    second = pd.DataFrame({"intent": ["praise", "question", "complaint", "complaint"] * 3})
    before = sup.fit(texts, first).predict(texts)["intent"].tolist()
    after = sup.fit(texts, second).predict(texts)["intent"].tolist()
    assert before == first["intent"].tolist() and after == second["intent"].tolist()


@pytest.mark.parametrize("ngram_range", [(1, 3), (2, 3), (1, 1), (3, 3)])
def test_char_tfidf_in_arrays_equals_scikit_learn(ngram_range):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from mvvtext.classify._features import tfidf_transform

    train = ["給与明細が届かない", "評価の基準が分からない", "ABC  Def\tghi", "残業代が出ない。残業が多い", "給与 と 評価",
             "😀 絵文字 😀", "休暇", "a", "ＡＢＣ"] * 2
    vec = TfidfVectorizer(analyzer="char", ngram_range=ngram_range, sublinear_tf=True, min_df=2,
                          dtype=np.float32).fit(train)
    texts = ["給与明細が届かない", "", " ", "abc  DEF\n\nghi", "未知の文字列だけ", "😀😀 給与", "x", "給与\ud800明細",
             "評価の基準が分からない" * 50]
    expected, got = vec.transform(texts), tfidf_transform(vec, texts)
    assert got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data) and got.dtype == expected.dtype
    vec.fit(train[:6] * 2)  # refitted in place: the array path follows the new vocabulary
    assert np.array_equal(tfidf_transform(vec, texts).toarray(), vec.transform(texts).toarray())


def _search_data(consistent: bool):
    """Default rows whose label follows feature 0, then 60 labelled rows.

    Consistent labelled rows follow a rule of their own (feature 1) that the
    defaults do not know; noisy ones follow the defaults' rule with 30% of
    their labels flipped, in 50 dimensions where a heavy weight fits the flips.
    """
    g = np.random.default_rng(0)
    n_default, dims = (200, 4) if consistent else (600, 50)
    Xs = g.normal(size=(n_default + 60, dims))
    labels = np.where(Xs[:, 0] > 0, "a", "b").astype(object)
    user = np.arange(len(Xs)) >= n_default
    if consistent:
        labels[user] = np.where(Xs[user, 1] > 0, "a", "b")
    else:
        flip = user & (g.random(len(Xs)) < 0.3)
        labels[flip] = np.where(labels[flip] == "a", "b", "a")
    return Xs, labels.astype(str), user


@pytest.mark.parametrize("consistent", [True, False])
def test_weight_search_keeps_learnable_labels_and_mutes_noise(consistent):
    from sklearn.linear_model import LogisticRegression

    from mvvtext.classify._heads import search_labelled_weight

    Xs, labels, user = _search_data(consistent)
    given = np.where(user, 5.0 if consistent else 20.0, 1.0)
    chosen, scores = search_labelled_weight(LogisticRegression(C=10), Xs, labels, given, user, (0.01, 1.0), cv=3)
    assert set(scores) == {"given", 0.01, 1.0}
    if consistent:   # the labelled rows' own rule is only learnt with their weight
        assert chosen is None and scores["given"] > scores[0.01] + 0.15
    else:            # noise: a lighter weight predicts the held-out labelled rows better
        assert chosen in (0.01, 1.0) and scores[chosen] > scores["given"] + 0.1


def test_supervised_records_the_searched_weight_and_skips_small_label_sets():
    texts = [f"給料が低い{i}" if i % 2 else f"残業が多い{i}" for i in range(80)]
    y = pd.DataFrame({"intent": ["complaint" if i % 4 < 2 else "question" for i in range(80)]})
    user = np.arange(80) >= 40
    sup = SupervisedClassifier(rule_weight=0).fit(texts, y, sample_weight=np.where(user, 2.0, 1.0), labelled=user)
    found = sup.labelled_weights_["intent"]
    assert found["chosen"] in ("given", 0.01, 0.3, 1.0) and set(found["scores"]) == {"given", 0.01, 0.3, 1.0}
    few = np.arange(80) >= 60      # 20 labelled rows: below the 30 the search needs
    assert SupervisedClassifier(rule_weight=0).fit(texts, y, labelled=few).labelled_weights_ == {}
    off = SupervisedClassifier(rule_weight=0, weight_search_fields=()).fit(texts, y, labelled=user)
    assert off.labelled_weights_ == {}
    with pytest.raises(ValueError, match="labelled must hold one bool per text"):
        SupervisedClassifier(rule_weight=0).fit(texts, y, labelled=user[:10])


def test_weight_search_skips_a_candidate_equal_to_the_given_weights():
    from sklearn.linear_model import LogisticRegression

    from mvvtext.classify._heads import search_labelled_weight

    Xs, labels, user = _search_data(True)
    _, scores = search_labelled_weight(LogisticRegression(), Xs, labels, None, user, (0.01, 1.0), cv=3)
    assert set(scores) == {"given", 0.01}

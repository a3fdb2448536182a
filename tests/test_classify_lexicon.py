"""Sentiment lexicon (negation, politeness, filler) and risk patterns."""
import pytest

from mvvtext.classify import load_profile
from mvvtext.classify._lexicon import RiskPatterns, SentimentLexicon

MINI = "tests/data/mini_profile.yaml"


@pytest.fixture(scope="module")
def lexicon():
    return SentimentLexicon(load_profile(MINI))


@pytest.fixture(scope="module")
def risks():
    return RiskPatterns(load_profile(MINI))


@pytest.mark.parametrize("text", ["特になし", "特になし。", "特にありません", "なし", "", "  ",
                                  "とくにありません", "トクニナシ", "特にナシ!", "特にございません。", "なしです"])
def test_filler_is_neutral(lexicon, text):
    s = lexicon.score(text)
    assert s.filler and s.score == 0


@pytest.mark.parametrize("text", ["特にないですが、給与を上げてほしい", "ありませんでした", "特に"])
def test_an_answer_that_says_something_is_not_filler(lexicon, text):
    assert not lexicon.score(text).filler


@pytest.mark.parametrize("text, sign", [
    ("不満はない。", 1),                                      # negated negative is not negative
    ("毎日つらいです。", -1),
    ("いつも助かっています。ありがとうございます。", 1),
    ("良くないと思います。", -1),                              # negated positive
    ("お手数をおかけしますが、残業代が出ないのはおかしいと思います。", -1),  # polite complaint
])
def test_sentiment_sign(lexicon, text, sign):
    s = lexicon.score(text)
    assert not s.filler and s.score * sign > 0 and -2 <= s.score <= 2


@pytest.mark.parametrize("text, code", [
    ("もう辞めたいです。", "resignation"),
    ("最近ずっと眠れない。", "health"),
    ("正直、死にたいと思うことがある", "health"),
    ("上司からパワハラを受けています", "harassment"),
    ("残業代が出ないのは違法では", "legal"),
])
def test_risk_recall_cases(risks, text, code):
    assert code in risks.match(text)


@pytest.mark.parametrize("text", ["限界値テストを実施しました。", "退職金の計算方法を教えてください", "ハラスメント研修の日程を知りたい"])
def test_risk_excludes(risks, text):
    assert risks.match(text) == {}


def test_exclude_only_cancels_its_own_sentence(risks):
    assert "health" in risks.match("限界値テストは終わった。でももう限界です。")


@pytest.mark.parametrize("pattern, local", [
    ("辞めたい", True), ("残業代[^。]{0,8}(出ない|未払)", True), ("a|b+c", True),
    ("差別(?!化)", False), ("^辞め", False), ("辞め$", False), (r"\bquit", False), ("(?<=a)b", False),
    ("(?=a)a", False), ("(a)?(?(1)b|c)", False), ("((x)(?!y))+", False), ("(", False),
])
def test_is_local_finds_anchors_and_lookarounds(pattern, local):
    from mvvtext.classify._lexicon import _is_local

    assert _is_local(pattern) is local


def test_risk_match_lists_codes_by_first_sentence_then_profile_order():
    profile = load_profile(None)
    risks = RiskPatterns(profile)
    order = list(profile.risks)
    assert order.index("resignation") < order.index("health")
    hits = risks.match("最近眠れない日が続いています。正直もう辞めたいです。")
    assert list(hits) == ["health", "resignation"]
    both = risks.match("辞めたいし、眠れない。")
    assert list(both) == ["resignation", "health"]


def test_risk_lookahead_patterns_are_checked_per_sentence():
    # 「差別(?!化)」: a pattern with a look-ahead is never screened on the whole text
    risks = RiskPatterns(load_profile(None))
    assert "harassment" not in risks.match("他社との差別化を進めています。")
    assert "harassment" in risks.match("他社との差別化を進めています。職場で差別を受けました。")


@pytest.mark.parametrize("pattern, expected", [
    ("(辞|や)め(たい|たく)", ("やめたい", "やめたく", "辞めたい", "辞めたく")),
    ("眠れ(ない|なく)|寝不足", ("寝不足", "眠れない", "眠れなく")),
    ("残業代(が|は)?[^。]{0,8}(出ない|未払)", ("残業代",)),
    ("限界(?!値)", ("限界",)),
    ("(?i)abc", None),          # case-insensitive: no fixed strings
    ("[^。]+", None),
    ("a?b*", None),
])
def test_required_literals(pattern, expected):
    from mvvtext.classify._lexicon import required_literals

    assert required_literals(pattern) == expected


def test_risk_screen_changes_no_match():
    """Screening patterns by character pairs gives the same matches as trying every pattern."""

    profile = load_profile(None)
    screened, everything = RiskPatterns(profile), RiskPatterns(profile)
    everything._always = {code: list(range(len(r.patterns))) for code, r in profile.risks.items()}
    everything._by_pair, everything._pair_keys = {}, frozenset()
    texts = ["もう辞めたいです。", "上司に怒鳴られた", "眠れない日が続く", "残業代が出ないのは違法では", "限界値テストを実施",
             "会社をやめようかと思う。眠れない。", "特になし", "パワハラとセクハラ", "給与明細が届かない", "辞"]
    for text in texts:
        assert screened.match(text) == everything.match(text), text


@pytest.mark.parametrize("text, sign", [
    ("給与に不満はありません。", 1),          # 不満 は 有る ます ず: the negator is 4 tokens on
    ("今の働き方に不満があることはないです。", 1),
    ("不満が多く、改善されない。", -1),      # the clause ends at 、: 不満 is not negated
])
def test_negation_reaches_across_particles_and_polite_auxiliaries(lexicon, text, sign):
    s = lexicon.score(text)
    assert s.score * sign > 0, (text, s)


def test_match_and_excluded_reports_what_an_exclude_cancelled(risks):
    assert risks.match_and_excluded("限界値テストを実施しました。") == ({}, {"health": "限界"})
    hits, cancelled = risks.match_and_excluded("限界値テストは終わった。でももう限界です。")
    assert hits == {"health": "限界"} and cancelled == {}  # a surviving match: nothing to report


@pytest.mark.parametrize("text, denial", [
    ("給与に不満はない。", True), ("不満はありません", True),
    ("不満はないが、残業が多い。", False),          # a contrast: more than a denial
    ("不満はない。でも疲れる。", False),            # a second sentence
    ("不満はないのでしょうか", False),              # a question
    ("全く不満はない", False),                      # 全く/一度も strengthen, they are no denial
    ("不満です", False), ("ありがとう", False)])
def test_only_a_denial(lexicon, text, denial):
    from mvvtext.classify._decide import _only_a_denial

    assert _only_a_denial(text, lexicon.score(text)) is denial

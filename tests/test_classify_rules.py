"""Codebook rule parser and RuleClassifier."""
import pytest
from sklearn.base import clone

from mvvtext.classify import RuleClassifier, RuleSyntaxError, parse_rule
from mvvtext.classify._rules import And, CompiledRule, Near, Not, Or, Quoted, Term
from mvvtext.classify._tokens import analyse
from mvvtext.exceptions import NotFittedError

MINI = "tests/data/mini_profile.yaml"


def test_precedence_and_binds_tighter_than_or_not_tightest():
    tree = parse_rule("a or b and not c")
    assert tree == Or((Term("a"), And((Term("b"), Not(Term("c"))))))
    assert parse_rule("(a OR b) AND c") == And((Or((Term("a"), Term("b"))), Term("c")))
    assert parse_rule("near(上司, '相談', 4)") == Near(Term("上司"), Quoted("相談"), 4)
    assert parse_rule('"残業代"') == Quoted("残業代")
    assert parse_rule("near(a, b)").window == 10


@pytest.mark.parametrize("bad", ["", "a b", "(a or b", "near(a)", "and", "a or", "near(a, b, x)", "''", "a )"])
def test_syntax_errors(bad):
    with pytest.raises(RuleSyntaxError):
        parse_rule(bad)


@pytest.mark.parametrize("rule, text, expected", [
    ("給料", "お給料が少ない", True),              # お給料 -> 給料
    ("給与", "給与明細を見た", True),              # A-mode piece of a compound
    ("打合せ", "打ち合わせが長い", True),          # spelling variant via normalised form
    ("'残業代'", "残業代が出ない", True),
    ("'残業代'", "残業が多い", False),
    ("'残業' and not '残業代'", "残業代が出ない", False),
    ("'残業' and not '残業代'", "残業が多い", True),
    ("near(上司, 相談, 3)", "上司に相談しにくい", True),
    ("near(上司, 相談, 1)", "上司はいつも忙しそうで、なかなか相談できない", False),
    ("上司 or 給料", "天気が良い", False),
])
def test_rule_matches(rule, text, expected):
    assert CompiledRule(rule)(analyse(text)) is expected


def test_rule_classifier_fit_predict_clone():
    clf = RuleClassifier(MINI, "topics")
    with pytest.raises(NotFittedError):
        clf.predict(["給料"])
    clf.fit()
    assert list(clf.classes_)[:2] == ["pay", "workload"]
    pred = clf.predict(["今月の給料が少なく、毎日残業で人手が不足している", "天気が良い", ""])
    assert pred[0] == ["pay", "workload"] and pred[1] == [] and pred[2] == []
    proba = clf.predict_proba(["今月の給料が少なく、毎日残業で人手が不足している"])
    assert proba.shape == (1, len(clf.classes_)) and proba[0, 1] == pytest.approx(0.75)  # two workload rules
    assert clf.match(["パワハラを受けた"])[0] == {"harassment": ["'パワハラ'"]}
    twin = clone(clf)
    assert twin.get_params() == clf.get_params() and not hasattr(twin, "rules_")


def test_intent_rules_pick_best():
    clf = RuleClassifier(MINI, "intent").fit()
    assert clf.predict(["ボーナスはいつですか、教えてください", "晴れ"]) == ["question", None]


def test_bad_field_message():
    with pytest.raises(ValueError, match="'field' parameter of RuleClassifier"):
        RuleClassifier(MINI, "colour").fit()


def test_compiled_predicate_and_index_agree_with_the_tree_walk():
    """``holds`` (closures) equals ``evaluate`` (tree walk), and the index never drops a matching rule."""
    import pickle

    from mvvtext.classify._rules import _RuleIndex

    rules = {"a": [CompiledRule(r) for r in ("給与 and not '賞与'", "'残業代' or near(上司, 相談, 3)",
                                             "評価制度 and (面談 or 'フィードバック')", "not 休暇", "'給' and 明細",
                                             "打合せ")]}
    texts = ["給与明細が届かない", "賞与と給与の違い", "残業代が出ない", "上司に相談しにくい", "評価制度の面談が形だけ",
             "評価制度にフィードバックがない", "休暇を取りたい", "打ち合わせが長い", "天気が良い", "給"]
    index = _RuleIndex(rules)
    for text in texts:
        doc = analyse(text)
        candidates = {id(r) for _, r in index.candidates(doc)}
        for rule in rules["a"]:
            assert rule.holds(doc) is rule.evaluate(rule.tree, doc), (rule.rule, text)
            if rule.holds(doc):
                assert id(rule) in candidates, (rule.rule, text)
    again = pickle.loads(pickle.dumps(rules["a"][0]))  # the closure is rebuilt after pickling
    assert again.holds(analyse("給与明細")) is True

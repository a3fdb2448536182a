"""Tests for GiNZA aspect-opinion extraction (one GiNZA load per module)."""
import pandas as pd
import pytest

from mvvtext.exceptions import InputError

pytest.importorskip("ja_ginza")
pytestmark = pytest.mark.ginza

from mvvtext.text import Aspect, AspectExtractor, add_aspects, process_frame  # noqa: E402


@pytest.fixture(scope="module")
def ext():
    return AspectExtractor(batch_size=16)


@pytest.mark.parametrize(
    ("text", "aspect", "opinion", "negated", "polarity"),
    [
        ("給与が低い", "給与", "低い", False, "negative"),
        ("給与が高い", "給与", "高い", False, "positive"),
        ("評価に不満はない", "評価", "不満", True, "positive"),
        ("上司の対応が良くない", "対応", "良い", True, "negative"),
        ("残業が多すぎる", "残業", "多すぎる", False, "negative"),
        ("休みが取りづらい", "休み", "取りづらい", False, "negative"),
        ("評価は不公平ではない", "評価", "不公平", True, "positive"),
        ("給与に満足していない", "給与", "満足", True, "negative"),
        ("人間関係に問題はありません", "人間関係", "問題", True, "positive"),
        ("説明がわかりやすかった", "説明", "わかりやすい", False, "positive"),
    ],
)
def test_pairs(ext, text, aspect, opinion, negated, polarity):
    found = ext.extract(text)
    match = [a for a in found if a.aspect == aspect]
    assert match, found
    a = match[0]
    assert (a.opinion, a.negated, a.polarity) == (opinion, negated, polarity)


def test_phrase_keeps_modifier(ext):
    assert ext.extract("上司の対応が良くない")[0].phrase == "上司の対応"


def test_two_clauses(ext):
    got = {(a.aspect, a.polarity) for a in ext.extract("職場の雰囲気は良いが、給料が安い。")}
    assert got == {("雰囲気", "positive"), ("給料", "negative")}


@pytest.mark.parametrize("text", ["", None, "特になし", "😀", "山田課長に相談した"])
def test_no_pairs(ext, text):
    assert ext.extract(text) == []


def test_batch_keeps_order(ext):
    res = ext.extract_many(["給与が低い", "", "給料が安い。残業が多い。"])
    assert len(res) == 3 and res[1] == []
    assert res[0][0].aspect == "給与"
    assert [a.aspect for a in res[2]] == ["給料", "残業"]


@pytest.mark.slow
def test_text_over_sudachi_limit(ext):
    res = ext.extract_many(["給料が安い。" * 3000])  # 54,000 bytes, over Sudachi's limit
    assert len(res[0]) == 3000


def test_to_dict_plain(ext):
    d = ext.extract("給与が低い")[0].to_dict()
    assert d == {"aspect": "給与", "opinion": "低い", "negated": False, "polarity": "negative", "phrase": "給与"}
    assert isinstance(ext.extract("給与が低い")[0], Aspect)


def test_frame_helpers(ext):
    df = pd.DataFrame({"text": ["給与が低い", None]}, index=[5, 7])
    out = add_aspects(df, "text", extractor=ext)
    assert list(out.index) == [5, 7] and out["aspects"][7] == []
    assert "aspects" not in df
    out2 = process_frame(df, aspects=True, aspect_extractor=ext, verbose=False)
    assert out2["aspects"][5][0]["opinion"] == "低い"
    with pytest.raises(InputError):
        add_aspects(df, "nope", extractor=ext)


def test_bad_batch_size():
    with pytest.raises(InputError):
        AspectExtractor(batch_size=0)


def test_ner_excluded_when_loading():
    from mvvtext.text._ginza import load_ginza

    assert "ner" not in load_ginza(need_ner=False, need_parser=True).pipe_names

"""Tests for process_frame / iter_process / TextCache, including bad input."""
import math
import sqlite3

import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.text import TextCache, Tokenizer, iter_process, process_frame

BAD_INPUTS = [
    # (text, expected text_masked, check on tokens)
    ("", "", lambda t: t == []),
    (None, "", lambda t: t == []),
    (math.nan, "", lambda t: t == []),
    ("特になし", "特になし", lambda t: t == []),
    ("😀😀 給料が安い 🙏", "😀😀 給料が安い 🙏", lambda t: t == ["給料", "安い"]),
    ("ｶﾀｶﾅの給料", "カタカナの給料", lambda t: t == ["片仮名", "給料"]),
    ("制御\x00文字\x1b", "制御文字", lambda t: t == ["制御", "文字"]),
    ("給料が安い。" * 34000, None, lambda t: t.count("給料") == 34000),   # ~200 KB
    ("漢字" * 1000, "漢字" * 1000, lambda t: t and set(t) == {"漢字"}),
    ("山田課長 090-1234-5678", "〈氏名〉課長 〈電話〉", lambda t: t == ["課長"]),
]


@pytest.fixture(scope="module")
def bad_frame():
    return pd.DataFrame({"text": [b[0] for b in BAD_INPUTS], "seg": range(len(BAD_INPUTS))},
                        index=[f"r{i}" for i in range(len(BAD_INPUTS))])


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_bad_inputs_table(bad_frame, n_jobs):
    out = process_frame(bad_frame, verbose=False, n_jobs=n_jobs, chunksize=3)
    assert out is not bad_frame
    assert list(out.index) == list(bad_frame.index)
    assert list(out["seg"]) == list(bad_frame["seg"])
    for (raw, masked, check), (_, row) in zip(BAD_INPUTS, out.iterrows()):
        if masked is not None:
            assert row["text_masked"] == masked, raw
        assert check(row["tokens"]), (str(raw)[:20], row["tokens"][:5])


def test_input_frame_not_mutated(bad_frame):
    before = bad_frame.copy()
    process_frame(bad_frame, verbose=False)
    pd.testing.assert_frame_equal(bad_frame, before)


def test_placeholders_never_become_tokens():
    out = process_frame(pd.DataFrame({"text": ["佐藤さん taro@example.com 社員番号123456"]}), verbose=False)
    assert out["tokens"][0] == []
    assert out["text_masked"][0] == "〈氏名〉さん 〈メール〉 〈社員番号〉"


def test_mask_and_tokenize_switches():
    df = pd.DataFrame({"body": ["佐藤さんの給料"]})
    out = process_frame(df, "body", mask=False, tokenize=False, verbose=False)
    assert out["text_masked"][0] == "佐藤さんの給料"
    assert out["tokens"][0] == []


def test_custom_tokenizer_settings_are_used():
    out = process_frame(pd.DataFrame({"text": ["評価制度"]}), tokenizer=Tokenizer(split_mode="A"), verbose=False)
    assert out["tokens"][0] == ["評価", "制度"]


@pytest.mark.parametrize(
    ("df", "col"),
    [
        (pd.DataFrame({"a": ["x"]}), "text"),
        (pd.DataFrame({"text": [1, 2]}), "text"),
    ],
)
def test_bad_frames_raise(df, col):
    with pytest.raises(InputError) as exc:
        process_frame(df, col, verbose=False)
    assert exc.value.column == col


def test_not_a_frame_raises():
    with pytest.raises(InputError):
        process_frame(["x"], verbose=False)


@pytest.mark.parametrize("kw", [{"n_jobs": 0}, {"chunksize": 0}, {"cache": 3.5}])
def test_bad_parameters_raise(kw):
    with pytest.raises(InputError):
        list(iter_process(["x"], **kw))


def test_n_jobs_follows_joblib(monkeypatch):
    from mvvtext.text._batch import resolve_n_jobs

    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert [resolve_n_jobs(n) for n in (None, 1, 3, -1, -2, -4, -9)] == [1, 1, 3, 4, 3, 1, 1]
    for bad in (0, 1.5, "2", True):
        with pytest.raises(InputError, match="'n_jobs'"):
            resolve_n_jobs(bad)


def test_iter_process_streams_in_order():
    texts = (f"給料{i}が安い" if i % 3 else "特になし" for i in range(50))
    res = list(iter_process(texts, chunksize=7))
    assert len(res) == 50
    assert res[0].tokens == [] and res[1].tokens[0] == "給料"


def test_iter_process_is_lazy():
    consumed = []

    def gen():
        for i in range(10_000):
            consumed.append(i)
            yield "給料"

    it = iter_process(gen(), chunksize=100)
    next(it)
    assert len(consumed) <= 101


def test_memory_cache_avoids_retokenising(monkeypatch):
    cache = TextCache()
    texts = ["給料が安い", "給料が安い", "打合せが多い", None]
    first = list(iter_process(texts, cache=cache))
    assert cache.misses == 4 and len(cache) == 3

    import mvvtext.text._batch as batch

    def boom(self, texts):
        raise AssertionError("re-tokenised")

    monkeypatch.setattr(batch._Processor, "many", boom)
    again = list(iter_process(texts, cache=cache))
    assert again == first


def test_settings_change_the_cache_key():
    cache = {}
    list(iter_process(["評価制度"], cache=cache))
    res = list(iter_process(["評価制度"], cache=cache, tokenizer=Tokenizer(split_mode="A")))
    assert res[0].tokens == ["評価", "制度"]
    assert len(cache) == 2


def test_disk_cache_survives_and_stores_no_raw_text(tmp_path):
    df = pd.DataFrame({"text": ["佐藤さんの給料が安い", "打合せが多い"]})
    a = process_frame(df, cache=tmp_path, verbose=False)
    c2 = TextCache(tmp_path)
    b = process_frame(df, cache=c2, verbose=False)
    pd.testing.assert_frame_equal(a, b)
    assert c2.hits == 2 and c2.misses == 0
    c2.close()
    con = sqlite3.connect(tmp_path / "text_cache.sqlite")
    dump = " ".join(str(r) for r in con.execute("SELECT key, value FROM cache"))
    con.close()
    assert "佐藤" not in dump and "〈氏名〉" in dump
    assert not list(tmp_path.glob("*.pkl"))


def test_verbose_shows_progress(capsys):
    process_frame(pd.DataFrame({"text": ["給料"] * 3}), verbose=True)
    assert "mvvtext text" in capsys.readouterr().err


def test_parallel_results_equal_serial_ones():
    texts = ["給料が安い\n評価が不透明", "", None, "特になし", "ｶﾞｯｺｳ\x1e\x1fの話", "〈氏名〉さん", "佐藤さんに 090-1234-5678 で"] * 40
    serial = list(iter_process(texts, n_jobs=1, chunksize=9))
    parallel = list(iter_process(texts, n_jobs=2, chunksize=9))
    assert parallel == serial and len(parallel) == len(texts)
    assert serial[0].tokens and serial[1] == ("", []) and serial[3].tokens == []

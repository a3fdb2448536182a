"""read_voices reads the channel column as the label contract's codes (inquiry / survey / post)."""
from __future__ import annotations

import logging

import pandas as pd
import pytest

from mvvtext.io import read_voices


def _channel_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "channel" in r.getMessage()]


@pytest.mark.parametrize("value, code", [
    ("メール", "inquiry"), ("ﾒｰﾙ", "inquiry"), ("Eメール", "inquiry"), ("E-mail", "inquiry"), ("email", "inquiry"),
    ("チャット", "inquiry"), ("Chat", "inquiry"), ("電話", "inquiry"), ("電話メモ", "inquiry"), ("ＰＨＯＮＥ", "inquiry"),
    ("問い合わせ", "inquiry"), ("問合せ", "inquiry"), ("窓口", "inquiry"), ("INQUIRY", "inquiry"), (" inquiry ", "inquiry"),
    ("サーベイ", "survey"), ("アンケート", "survey"), ("調査", "survey"), ("自由記述", "survey"), ("Survey", "survey"),
    ("ｓｕｒｖｅｙ", "survey"),
    ("社内SNS", "post"), ("社内ＳＮＳ", "post"), ("sns", "post"), ("投稿", "post"), ("サンクスカード", "post"),
    ("社内報", "post"), ("Post", "post"),
])
def test_common_spellings_are_read_as_codes(value, code, caplog):
    with caplog.at_level(logging.WARNING):
        out = read_voices(pd.DataFrame({"text": ["a"], "経路": [value]}), channel="経路")
    assert out["channel"].tolist() == [code]
    assert not _channel_warnings(caplog)


def test_codes_missing_cells_and_the_mapping_applied():
    df = pd.DataFrame({"text": list("abcdef"), "経路": ["inquiry", "メール", None, "", "メール", "post"]})
    before = df.copy()
    out = read_voices(df, channel="経路")
    assert out["channel"].tolist() == ["inquiry", "inquiry", pd.NA, pd.NA, "inquiry", "post"]
    assert str(out["channel"].dtype) == "string"
    assert out.attrs["mvvtext_channel_mapping"] == {"メール": "inquiry"}  # codes themselves are not listed
    pd.testing.assert_frame_equal(df, before)  # the input is not modified


def test_unknown_values_become_missing_with_one_warning(tmp_path, caplog):
    path = tmp_path / "w.csv"
    path.write_text("問い合わせID,本文,経路\nQ1,給与の件,FAX\nQ2,評価の件,メール\nQ3,残業の件,不明\nQ4,有給の件,FAX\n",
                    encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        out = read_voices(path, text="本文", id="問い合わせID", channel="経路")
    assert out["channel"].tolist() == [pd.NA, "inquiry", pd.NA, pd.NA]
    assert out.attrs["mvvtext_channel_mapping"] == {"FAX": None, "メール": "inquiry", "不明": None}
    [message] = _channel_warnings(caplog)
    assert message.startswith(f"{path}: column '経路' has 3 row(s) whose channel is none of inquiry / survey / post")
    assert "'FAX' (2 row(s), first at row 1 (line 2, id 'Q1'))" in message
    assert "'不明' (1 row(s), first at row 3 (line 4, id 'Q3'))" in message
    assert "read as missing" in message and "guessed from the text" in message


def test_a_channel_column_is_read_without_channel_argument(caplog):
    with caplog.at_level(logging.WARNING):
        out = read_voices(pd.DataFrame({"text": ["a", "b"], "channel": ["アンケート", "郵便"]}))
    assert out["channel"].tolist() == ["survey", pd.NA]
    [message] = _channel_warnings(caplog)
    assert "'郵便' (1 row(s), first at row 2 (index 1))" in message


def test_no_channel_column_gives_missing_channels():
    out = read_voices(pd.DataFrame({"text": ["a"]}))
    assert out["channel"].isna().all() and out.attrs["mvvtext_channel_mapping"] == {}


def test_many_unknown_values_are_listed_up_to_ten(caplog):
    values = [f"経路{i}" for i in range(12)]
    with caplog.at_level(logging.WARNING):
        read_voices(pd.DataFrame({"text": ["x"] * 12, "ch": values}), channel="ch")
    [message] = _channel_warnings(caplog)
    assert "'経路9'" in message and "'経路10'" not in message and "and 2 more value(s)" in message


def test_channel_column_for_frames_read_elsewhere(caplog):
    from mvvtext.io._voices import channel_column

    with caplog.at_level(logging.WARNING):
        codes, mapping = channel_column(pd.Series(["メール", "FAX", None], index=[5, 6, 7]))
    assert codes.tolist() == ["inquiry", pd.NA, pd.NA] and codes.index.tolist() == [5, 6, 7]
    assert mapping == {"メール": "inquiry", "FAX": None}
    [message] = _channel_warnings(caplog)
    assert "column 'channel'" in message and "'FAX' (1 row(s), first at row 2 (index 6))" in message

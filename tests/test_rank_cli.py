"""run_rank_command: the logic behind ``mvvtext rank`` (analysed input, so no classifier)."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.rank import run_rank_command


@pytest.fixture
def analysed_csv(tmp_path):
    rng = np.random.default_rng(0)
    n = 400
    topics = rng.choice(["pay", "evaluation", "benefits"], n)
    person = rng.integers(0, 120, n)
    df = pd.DataFrame({
        "no": [f"Q{i}" for i in range(n)], "本文": [f"{t}の件です。" for t in topics],
        "日時": (pd.Timestamp("2026-04-06") + pd.to_timedelta(rng.integers(0, 90, n), unit="D")).astype(str),
        "社員": [f"E{x}" for x in person], "拠点": np.array(["東京", "大阪", "福岡"])[person % 3],
        "退職": (person % 4 == 0).astype(int),
        "topics": [json.dumps([t]) for t in topics], "sentiment": rng.integers(-2, 3, n),
        "intent": "complaint", "risks": "[]", "text_masked": [f"{t}の件で困っています。確認をお願いします。" for t in topics],
    })
    path = tmp_path / "analysed.csv"
    df.to_csv(path, index=False)
    return path


def test_run_rank_command_writes_ranking_and_reports(tmp_path, analysed_csv):
    out = tmp_path / "ranking.csv"
    r = run_rank_command(analysed_csv, text_col="本文", time_col="日時", person_col="社員",
                         segment_cols=["拠点"], outcome_col="退職", id_col="no", out=out,
                         xlsx=tmp_path / "r.xlsx")
    written = pd.read_csv(out)
    assert list(written["topic"]) == list(r["topic"])
    assert set(written["topic"]) == {"pay", "evaluation", "benefits"}
    assert written["texts"].sum() == 400
    assert "segments_raising_拠点" in written.columns and written["outcome_lift"].notna().all()
    assert (tmp_path / "r.xlsx").exists()
    assert set(r.attrs["timings"]) == {"read", "rank", "write"}  # pre-analysed input: no analyse stage
    assert all(v >= 0 for v in r.attrs["timings"].values())


def test_run_rank_command_names_a_missing_column(tmp_path, analysed_csv):
    with pytest.raises(InputError, match="部署"):
        run_rank_command(analysed_csv, text_col="本文", segment_cols=["部署"], out=tmp_path / "r.csv")


def test_run_rank_command_language_of_the_explanation(tmp_path, analysed_csv):
    kw = dict(text_col="本文", time_col="日時", person_col="社員", segment_cols=["拠点"], outcome_col="退職",
              id_col="no")
    ja = run_rank_command(analysed_csv, out=tmp_path / "ja.csv", **kw)
    en = run_rank_command(analysed_csv, out=tmp_path / "en.csv", language="en", **kw)
    assert ja["explanation"].str.contains("人・全体の").all() and ja["explanation"].str.contains("5人以上が挙げた拠点 ").all()
    assert en["explanation"].str.startswith("texts ").all() and en["explanation"].str.contains("拠点 groups").all()
    assert pd.read_csv(tmp_path / "ja.csv")["explanation"].tolist() == ja["explanation"].tolist()


def test_cli_rank_accepts_language(tmp_path, analysed_csv, capsys):
    from mvvtext.cli import main

    out = tmp_path / "r.csv"
    rc = main(["rank", str(analysed_csv), "--text-col", "本文", "--language", "en", "--out", str(out)])
    assert rc == 0 and pd.read_csv(out)["explanation"].str.startswith("texts ").all()
    with pytest.raises(SystemExit):
        main(["rank", str(analysed_csv), "--text-col", "本文", "--language", "fr", "--out", str(out)])


def test_run_rank_command_checks_person_and_outcome_columns_first(tmp_path, analysed_csv):
    with pytest.raises(InputError, match="社員番号") as err:
        run_rank_command(analysed_csv, text_col="本文", person_col="社員番号", out=tmp_path / "r.csv")
    assert "--person-col" in str(err.value)
    with pytest.raises(InputError, match="--outcome-col"):
        run_rank_command(analysed_csv, text_col="本文", outcome_col="離職", out=tmp_path / "r.csv")


def test_run_rank_command_passes_the_channel_column(tmp_path, monkeypatch):
    import mvvtext.classify

    raw = tmp_path / "raw.csv"
    pd.DataFrame({"本文": ["給与の振込日を教えてください。", "同僚に助けてもらいました。"],
                  "経路": ["inquiry", "post"]}).to_csv(raw, index=False)
    seen = {}

    def fake_analyze(voices, text="text", **kwargs):
        seen["channel"] = voices["channel"].tolist()
        return voices.assign(topics=[["pay"], ["relations"]], sentiment=0.0, intent="question",
                             risks=[[], []], text_masked=voices["text"])

    monkeypatch.setattr(mvvtext.classify, "analyze", fake_analyze)
    run_rank_command(raw, text_col="本文", channel_col="経路", out=tmp_path / "r.csv", min_people_figures=1)
    assert seen["channel"] == ["inquiry", "post"]


def test_run_rank_command_checks_the_outputs_before_reading(tmp_path, monkeypatch):
    import mvvtext.io

    def must_not_read(*args, **kwargs):
        raise AssertionError("the input was read before the output path was checked")

    monkeypatch.setattr(mvvtext.io, "read_voices", must_not_read)
    with pytest.raises(InputError, match=r"\.doc"):
        run_rank_command(tmp_path / "in.csv", out=tmp_path / "ranking.doc")
    with pytest.raises(InputError, match=r"\.txt"):
        run_rank_command(tmp_path / "in.csv", out=tmp_path / "r.csv", analyzed_out=tmp_path / "a.txt")


def test_analyzed_out_can_leave_the_raw_text_out(tmp_path, analysed_csv):
    a = tmp_path / "a.csv"
    run_rank_command(analysed_csv, text_col="本文", out=tmp_path / "r.csv", analyzed_out=a,
                     analyzed_columns_dropped=("text", "本文"))
    written = pd.read_csv(a)
    assert not {"text", "本文"} & set(written.columns) and written["text_masked"].notna().all()
    assert len(written) == 400


def test_cli_masked_only_for_analyze_and_rank(tmp_path, monkeypatch, capsys):
    import mvvtext.classify
    from mvvtext.cli import main

    raw = tmp_path / "raw.csv"
    pd.DataFrame({"本文": ["山田です。給与の振込日を教えてください。", "同僚に助けてもらいました。"]}).to_csv(raw, index=False)
    monkeypatch.setattr(mvvtext.classify, "analyze", lambda voices, **kw: voices.assign(
        topics=[["pay"], ["relations"]], sentiment=0.0, intent="question", risks=[[], []],
        text_masked=["〈氏名〉です。給与の振込日を教えてください。", "同僚に助けてもらいました。"]))
    out = tmp_path / "pred.csv"
    assert main(["analyze", str(raw), "--text-col", "本文", "--out", str(out), "--masked-only"]) == 0
    written = pd.read_csv(out)
    assert not {"text", "本文"} & set(written.columns) and not written.isin(["山田です。給与の振込日を教えてください。"]).any().any()
    assert "masked text only" in capsys.readouterr().out
    assert main(["analyze", str(raw), "--text-col", "本文", "--masked-only"]) == 2
    assert "--out" in capsys.readouterr().err
    assert main(["rank", str(raw), "--text-col", "本文", "--out", str(tmp_path / "r.csv"), "--masked-only"]) == 2
    assert "--analyzed-out" in capsys.readouterr().err

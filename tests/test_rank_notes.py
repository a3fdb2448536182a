"""Ranking notes: English in attrs, Japanese in the HTML report, every one from the catalogue."""
from __future__ import annotations

import copy
import pickle
import re
import string
from pathlib import Path

import pandas as pd
import pytest

from mvvtext.rank import rank_issues
from mvvtext.rank._notes import NOTES, Note, note_text


def test_every_catalogue_entry_has_the_same_parameters_in_both_languages():
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for key, (en, ja) in NOTES.items():
        assert fields(en) == fields(ja), key
        assert re.search(r"[ぁ-んァ-ン一-龥]", ja), key


def test_no_ranking_note_is_a_bare_string():
    rank = Path(__file__).resolve().parents[1] / "src" / "mvvtext" / "rank"
    for f in rank.glob("*.py"):
        assert not re.search(r"notes\.append\((f?[\"'])", f.read_text("utf-8")), f.name


def test_a_note_is_its_english_text_and_says_it_in_japanese():
    n = Note("rows_without_time", n=3)
    assert n == "3 row(s) without a time are left out of the trend"
    assert note_text(n) == "日時のない3行は推移の計算から除いています"
    assert note_text(n, "en") == n and note_text("a plain note") == "a plain note"
    with pytest.raises(ValueError, match="language"):
        note_text(n, "fr")


def test_notes_survive_copies_of_the_frame():
    df = pd.DataFrame({"text_masked": ["給与が低い", "評価が不透明"], "topics": [["pay"], ["evaluation"]],
                       "sentiment": [-1.0, -1.0], "intent": ["complaint", "complaint"], "risks": [[], []]})
    r = rank_issues(df, segments=[])
    notes = r.copy().attrs["notes"]
    assert {"time_not_found", "no_person"} <= {getattr(n, "key", None) for n in notes}
    for n in (copy.deepcopy(notes[0]), pickle.loads(pickle.dumps(notes[0]))):
        assert isinstance(n, Note) and note_text(n) == note_text(notes[0])


def test_no_segments_found_is_a_note_but_an_explicit_empty_list_is_not():
    df = pd.DataFrame({"text_masked": ["給与が低い", "評価が不透明"], "topics": [["pay"], ["evaluation"]],
                       "sentiment": [-1.0, -1.0], "intent": ["complaint", "complaint"], "risks": [[], []],
                       "拠点": ["東京", "大阪"]})
    keys = {getattr(n, "key", None) for n in rank_issues(df).attrs["notes"]}
    assert "no_segments" in keys                                     # 拠点 is not a name it guesses
    assert "segments=[...]" in next(n for n in rank_issues(df).attrs["notes"] if n.key == "no_segments")
    assert "no_segments" not in {getattr(n, "key", None) for n in rank_issues(df, segments=[]).attrs["notes"]}
    assert "no_segments" not in {getattr(n, "key", None) for n in rank_issues(df, segments=["拠点"]).attrs["notes"]}


def test_a_large_segment_whose_total_is_hidden_is_not_called_small():
    from mvvtext.rank import breakdown

    rows = [(f"a{i}", ["pay"], "大阪", []) for i in range(30)] + [(f"b{i}", ["pay"], "東京", []) for i in range(30)]
    rows += [("a0", ["pay"], "大阪", ["health"]), ("b0", ["pay"], "東京", ["health"]), ("b1", ["pay"], "東京", ["legal"])]
    df = pd.DataFrame(rows, columns=["person_id", "topics", "拠点", "risks"])
    df["sentiment"], df["intent"] = -1.0, "complaint"
    risk = breakdown(df, by="拠点", topic_field="risks", measure="people", time=None)
    texts = [note_text(n) for n in risk.attrs["notes"]]
    assert not any("5人未満のため秘匿した区分" in t for t in texts), texts    # both sites hold 30 people

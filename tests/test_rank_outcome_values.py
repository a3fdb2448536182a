"""Outcome values of rank_issues: accepted spellings, messages that name people and rows, notes."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mvvtext.exceptions import InputError
from mvvtext.rank import rank_issues
from mvvtext.rank._outcome import YES_NO, person_outcome
from mvvtext.rank._prepare import prepare

COL = "早期離職"
PERSON = "社員番号"


def frame(values, people=None):
    """One text per row about pay or benefits; ``values`` is the outcome column (object dtype)."""
    n = len(values)
    people = people if people is not None else [f"E{i:03d}" for i in range(n)]
    return pd.DataFrame({
        PERSON: people, "topics": [["pay"] if i % 2 else ["benefits"] for i in range(n)],
        "sentiment": -1.0, "intent": "complaint", "risks": [[] for _ in range(n)],
        "text_masked": [f"{i}番目の相談です。" for i in range(n)],
        COL: pd.Series(values, dtype=object)})


def outcome(df, person=PERSON):
    """person_outcome as rank_issues calls it, with the person column named."""
    notes: list[str] = []
    p = prepare(df, topic_field="topics", time=None, person=PERSON, segments=[], period="W",
                negative_threshold=-0.5)
    return person_outcome(df, COL, p, notes, person=person), notes


@pytest.mark.parametrize("yes, no", [
    ("はい", "いいえ"), ("あり", "なし"), ("有", "無"), ("該当", "非該当"), ("退職", "在籍"), ("yes", "no"),
    ("TRUE", "False"), ("ﾊｲ", "ｲｲｴ"), ("ｱﾘ", "ﾅｼ"), ("有り", "無し"), ("ＹＥＳ", "ｎｏ"), (" はい ", "いいえ　")])
def test_japanese_and_english_yes_no_read_as_1_and_0(yes, no):
    values = [yes if i % 4 == 1 else no for i in range(40)]
    r = rank_issues(frame(values), time=None, person=PERSON, outcome=COL, segments=[],
                    min_people_figures=1).set_index("topic")
    expected = rank_issues(frame([int(v == yes) for v in values]), time=None, person=PERSON, outcome=COL,
                           segments=[], min_people_figures=1).set_index("topic")
    pd.testing.assert_frame_equal(r.filter(like="outcome_"), expected.filter(like="outcome_"))
    assert r.loc["pay", "outcome_rate"] == pytest.approx(0.5)     # rows 1, 5, 9 … of the odd (pay) rows
    assert np.isnan(outcome(frame(values))[0]).sum() == 0


def test_taishoku_is_1_and_zaiseki_is_0():
    got, _ = outcome(frame(["退職", "在籍", "退職"]))
    assert got.tolist() == [1.0, 0.0, 1.0]
    assert ("退職", "在籍") in YES_NO and ("はい", "いいえ") in YES_NO


def test_bad_value_names_column_person_row_and_what_to_do():
    values = [0, 1] * 10
    values[3], values[8] = "たぶん", "不明"
    df = frame(values)
    with pytest.raises(InputError) as e:
        outcome(df)
    msg = str(e.value)
    assert e.value.column == COL and e.value.rows == [3, 8]
    assert f"'{COL}'" in msg
    assert "'たぶん' at 社員番号 'E003', row 4" in msg and "'不明' at 社員番号 'E008', row 9" in msg
    assert "2 row(s) of 2 person(s)" in msg
    assert "Write 1 for yes and 0 for no" in msg and "はい/いいえ" in msg and "退職/在籍" in msg
    assert "0: " not in msg                                       # no bare pandas index labels
    assert [c["person"] for c in e.value.failure_cases] == ["E003", "E008"]


def test_bad_values_show_a_few_and_count_the_rest():
    df = frame(["?"] * 12)
    with pytest.raises(InputError) as e:
        outcome(df)
    msg = str(e.value)
    assert "12 row(s) of 12 person(s)" in msg and "… and 7 more row(s)" in msg
    assert "E004" in msg and "E005" not in msg
    assert len(e.value.rows) == 12


def test_bad_value_through_rank_issues_names_the_file_and_the_line():
    df = frame([0, 1, "maybe", 0])
    df.attrs["mvvtext_source"] = "voices.csv"
    with pytest.raises(InputError) as e:
        rank_issues(df, time=None, person=PERSON, outcome=COL, segments=[])
    msg = str(e.value)
    assert msg.startswith("voices.csv: ") and e.value.path == "voices.csv" and e.value.column == COL
    assert "'maybe' at " in msg and "row 3 (line 4" in msg and "Write 1 for yes" in msg


def test_conflict_names_the_people_and_counts_them():
    people = [f"E{i:03d}" for i in range(10)]
    df = frame([0] * 10 + [1] * 8, people=people + people[:8])    # E000 … E007 have both 0 and 1
    with pytest.raises(InputError, match="constant per person") as e:
        outcome(df)
    msg = str(e.value)
    assert "8 person(s) have both 0 and 1" in msg
    assert "社員番号 'E000' (0 at row 1 (index 0), 1 at row 11 (index 10))" in msg
    assert "E004" in msg and "'E005'" not in msg and "… and 3 more person(s)" in msg
    assert e.value.column == COL and sorted(e.value.rows) == list(range(8)) + list(range(10, 18))


def test_conflict_through_rank_issues_names_rows_and_column():
    df = frame([0, 1, 1], people=["E1", "E2", "E1"])
    with pytest.raises(InputError, match="constant per person") as e:
        rank_issues(df, time=None, person=PERSON, outcome=COL, segments=[])
    assert e.value.column == COL and e.value.rows == [0, 2]
    assert "1 person(s) have both 0 and 1" in str(e.value) and "row 3 (index 2)" in str(e.value)


def test_missing_outcome_note_counts_people_and_rows():
    # E000 has one empty row and one known row: still has an outcome; E001 and E002 have none
    df = frame([None, "", 1, 0, "  ", None], people=["E000", "E001", "E000", "E003", "E002", "E002"])
    got, notes = outcome(df)
    assert np.isnan(got).sum() == 2
    (note,) = [n for n in notes if getattr(n, "key", None) == "rows_without_outcome"]
    assert note.params == {"n": 4, "people": 2, "column": COL}
    r = rank_issues(df, time=None, person=PERSON, outcome=COL, segments=[], min_people_figures=1)
    (note,) = [n for n in r.attrs["notes"] if getattr(n, "key", None) == "rows_without_outcome"]
    assert note.params["people"] == 2 and note.params["n"] == 4


def test_rank_issues_names_the_person_of_a_bad_value_and_the_note_says_people():
    from mvvtext.rank._notes import note_text

    with pytest.raises(InputError) as e:
        rank_issues(frame([0, 1, "たぶん", 0]), time=None, person=PERSON, outcome=COL, segments=[])
    assert "'たぶん' at 社員番号 'E002', row 3" in str(e.value)
    df = frame([None, 1, 0, None], people=["E0", "E1", "E2", "E3"])
    r = rank_issues(df, time=None, person=PERSON, outcome=COL, segments=[], min_people_figures=1)
    (note,) = [n for n in r.attrs["notes"] if getattr(n, "key", None) == "rows_without_outcome"]
    assert note_text(note, "ja") == f"「{COL}」が空の2人（2行）は、成果との関連の計算から除いています"


def test_an_absent_outcome_column_lists_the_columns_and_what_to_do():
    with pytest.raises(InputError) as e:
        rank_issues(frame([0, 1]), time=None, person=PERSON, outcome="離職", segments=[])
    assert "columns: " in str(e.value) and COL in str(e.value) and "outcome=None" in str(e.value)

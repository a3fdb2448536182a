"""Outcome link: is raising a topic associated with a person-level 0/1 outcome?"""
from __future__ import annotations

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.io._rows import _plain, _row_label, _where
from mvvtext.rank._notes import Note
from mvvtext.rank._prepare import Prepared
from mvvtext.rank._util import unique_int

YES_NO: tuple[tuple[str, str], ...] = (
    ("1", "0"), ("true", "false"), ("yes", "no"), ("はい", "いいえ"), ("あり", "なし"), ("有", "無"),
    ("該当", "非該当"), ("退職", "在籍"))
"""The (1, 0) spellings an outcome cell may hold, compared after NFKC, trimming and lower-casing.

So full-width ``１``/``ＹＥＳ`` and upper case read too. 退職/在籍 is an attrition
outcome: 1 = left, 0 = stayed.
"""

# also read: the float text of a number column saved as text, and forms that NFKC
# does not fold into those above (half-width ﾊｲ becomes katakana ハイ, not はい)
_MORE = (("1.0", "0.0"), ("ハイ", "イイエ"), ("アリ", "ナシ"), ("有り", "無し"))
_WORDS = {w: v for yes, no in YES_NO + _MORE for w, v in ((yes, 1.0), (no, 0.0))}
_SHOWN = 5  # offending rows / people named in a message


def _spellings() -> str:
    return ", ".join(f"{yes}/{no}" for yes, no in YES_NO[1:])


def _person_part(df: pd.DataFrame, person: str | None, pos: int) -> str:
    """``"社員番号 'E001', "`` for the row at ``pos`` (``""`` when the person column is not known)."""
    if person is None or person not in df.columns:
        return ""
    value = _plain(df[person].iloc[pos])
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) \
            or str(value).strip() == "":
        return f"no {person}, "
    return f"{person} {str(value).strip()!r}, "


def _person_case(df: pd.DataFrame, person: str | None, pos: int) -> dict:
    return {"person": _plain(df[person].iloc[pos])} if person is not None and person in df.columns else {}


def _more(n: int, what: str) -> str:
    return f" … and {n - _SHOWN} more {what}" if n > _SHOWN else ""


def person_outcome(df: pd.DataFrame, column: str, p: Prepared, notes: list[str],
                   person: str | None = None) -> np.ndarray:
    """Outcome per person id (0.0, 1.0 or NaN) after validation.

    A cell may hold 1 or 0 (numbers, ``True``/``False``, or text in any width:
    ``１``), or one of the spellings of :data:`YES_NO`: true/false, yes/no,
    はい/いいえ, あり/なし (アリ/ナシ), 有/無 (有り/無し), 該当/非該当, and for an
    attrition outcome 退職/在籍 (1 = left, 0 = stayed). An empty cell is no
    answer: its rows are left out, and a note counts the people (and rows)
    without an outcome. ``person`` is the person id column ``p`` was built
    from; messages name each offending row by its value.

    Raises
    ------
    InputError
        When a value is none of these (naming the column, the file when known,
        and a few offending values with their person and row), or when one
        person has both 0 and 1 (naming a few of those people).
    """
    raw = df[column]
    path = df.attrs.get("mvvtext_source")
    path = str(path) if path else None
    missing = raw.isna().to_numpy()
    if pd.api.types.is_bool_dtype(raw.dtype) or pd.api.types.is_numeric_dtype(raw.dtype):
        num = pd.to_numeric(raw, errors="coerce").astype(float)
        vals = num.to_numpy(dtype=float, na_value=np.nan)
        bad = ~missing & ~np.isin(vals, [0.0, 1.0])
    else:
        text = raw.astype("string").str.normalize("NFKC").str.strip().str.lower()
        missing = missing | (text == "").fillna(False).to_numpy(dtype=bool)  # an emptied cell is no answer
        mapped = text.map(_WORDS)
        vals = pd.to_numeric(mapped, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~missing & np.isnan(vals)
    bad_pos = np.flatnonzero(bad)
    if len(bad_pos):
        obj = raw.to_numpy(dtype=object)
        rows = df.index[bad_pos].tolist()
        shown = "; ".join(f"{_plain(obj[i])!r} at {_person_part(df, person, i)}{_row_label(df, i, path)}"
                          for i in bad_pos[:_SHOWN])
        people = len(np.unique(p.person[bad_pos]))
        of_people = f" of {people} person(s)" if person is not None or people != len(bad_pos) else ""
        raise InputError(
            f"{_where(path)}the outcome column '{column}' must hold 1 (yes) or 0 (no) for each person, "
            f"or be empty where unknown; {len(bad_pos)} row(s){of_people} hold something else: "
            f"{shown}{_more(len(bad_pos), 'row(s)')}. Write 1 for yes and 0 for no, or one of: "
            f"{_spellings()} (退職 = 1, 在籍 = 0; any width, any case); leave the cell empty "
            "where the outcome is not known.",
            path=path, column=column, rows=rows,
            failure_cases=[{"index": df.index[i], "row": int(i) + 1, "value": obj[i],
                            **_person_case(df, person, i)}
                           for i in bad_pos])
    ok = ~missing
    mx = np.full(p.n_people, -1.0)
    mn = np.full(p.n_people, 2.0)
    np.maximum.at(mx, p.person[ok], vals[ok])
    np.minimum.at(mn, p.person[ok], vals[ok])
    if missing.any():
        notes.append(Note("rows_without_outcome", n=int(missing.sum()), people=int((mx < 0).sum()),
                          column=column))
    conflict = (mx >= 0) & (mx != mn)
    if conflict.any():
        obj = raw.to_numpy(dtype=object)
        pos = np.flatnonzero(ok & conflict[p.person])
        rows = df.index[pos].tolist()
        n_conf = int(conflict.sum())
        named = []
        for pid in np.flatnonzero(conflict)[:_SHOWN]:
            mine = pos[p.person[pos] == pid]
            first = {v: mine[vals[mine] == v][0] for v in (0.0, 1.0)}  # one row of each value
            where = ", ".join(f"{int(vals[i])} at {_row_label(df, i, path)}" for i in sorted(first.values()))
            who = _person_part(df, person, int(mine[0]))[:-2] or "a person"
            named.append(f"{who} ({where})")
        raise InputError(
            f"{_where(path)}the outcome column '{column}' must be constant per person, but {n_conf} "
            f"person(s) have both 0 and 1: {'; '.join(named)}{_more(n_conf, 'person(s)')}. "
            "The outcome belongs to the person, not the text: give each person the same value "
            "on every row (leave a cell empty where it is not known).",
            path=path, column=column, rows=rows,
            failure_cases=[{"index": df.index[i], "row": int(i) + 1, "value": obj[i],
                            **_person_case(df, person, i)}
                           for i in pos])
    return np.where(mx >= 0, mx, np.nan)


def outcome_link(p: Prepared, outcome: np.ndarray, min_people: int, z: float = 1.959963984540054
                 ) -> pd.DataFrame:
    """outcome_rate, outcome_lift, outcome_odds_ratio (+95% CI), outcome_p per topic.

    ``outcome`` is indexed by person id. Zero cells get the Haldane–Anscombe +0.5
    correction for the odds ratio and its CI; the p-value is Fisher's exact test.
    Topics raised by fewer than ``min_people`` people with a known outcome get NaN.
    """
    from scipy import stats

    k = len(p.topics)
    known = np.isfinite(outcome)
    keys = unique_int(p.ex_topic * np.int64(p.n_people) + p.person[p.ex_row])
    tid, pid = keys // p.n_people, keys % p.n_people
    sel = known[pid]
    raised = np.bincount(tid[sel], minlength=k).astype(float)
    raised_pos = np.bincount(tid[sel], weights=outcome[pid[sel]], minlength=k)
    n_known = float(known.sum())
    n_pos = float(np.nansum(outcome))
    a, b = raised_pos, raised - raised_pos
    c, d = n_pos - raised_pos, (n_known - raised) - (n_pos - raised_pos)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate_in = a / raised
        rate_out = c / (c + d)
        lift = rate_in / rate_out
        zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
        aa, bb, cc, dd = (x + 0.5 * zero for x in (a, b, c, d))
        log_or = np.log(aa * dd / (bb * cc))
        se = np.sqrt(1 / aa + 1 / bb + 1 / cc + 1 / dd)
    pvals = np.full(k, np.nan)
    for i in range(k):
        if raised[i] > 0 and (c[i] + d[i]) > 0:
            table = np.array([[a[i], b[i]], [c[i], d[i]]], dtype=np.int64)
            pvals[i] = stats.fisher_exact(table).pvalue
    out = pd.DataFrame({
        "outcome_people": raised.astype(int), "outcome_rate": rate_in, "outcome_lift": lift,
        "outcome_odds_ratio": np.exp(log_or), "outcome_or_low": np.exp(log_or - z * se),
        "outcome_or_high": np.exp(log_or + z * se), "outcome_p": pvals}, index=p.topics)
    small = raised < min_people
    out.loc[small, ["outcome_rate", "outcome_lift", "outcome_odds_ratio", "outcome_or_low",
                    "outcome_or_high", "outcome_p"]] = np.nan
    return out

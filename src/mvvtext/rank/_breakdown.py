"""Topic × segment and topic × period tables with small-cell suppression."""
from __future__ import annotations

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.rank._notes import Note
from mvvtext.rank._prepare import prepare
from mvvtext.rank._suppress import suppress
from mvvtext.rank._util import unique_int

_MEASURES = ("texts", "people", "negative_share", "mean_sentiment", "people_share")


def breakdown(
    analyzed: pd.DataFrame,
    by: str = "site",
    *,
    topic_field: str = "topics",
    measure: str = "texts",
    person: str | None = "person_id",
    time: str | None = "timestamp",
    period: str = "W",
    min_people_figures: int = 5,
    negative_threshold: float = -0.5,
) -> pd.DataFrame:
    """Cross-tabulate topics against a segment column (or against time periods).

    Parameters
    ----------
    analyzed : DataFrame
        An analysed frame (see ``docs/ARCHITECTURE.md``); never modified.
    by : str
        A segment column (``"site"``, ``"department"`` …), or ``"period"`` for topic ×
        period using ``time`` and ``period``.
    topic_field : str
        The list-of-topics column (a text counts once for each of its topics).
    measure : {"texts", "people", "negative_share", "mean_sentiment", "people_share"}
        What each cell holds. ``people_share`` is the share of the segment's people
        who raised the topic.
    person, time, period : see :func:`rank_issues`.
    min_people_figures : int
        Cells describing 1 to ``min_people_figures - 1`` people, and whole segments
        with fewer people, are suppressed, with complementary suppression so that no
        hidden cell can be recovered from the totals.

    Returns
    -------
    DataFrame
        Rows = topics, columns = segment values (or periods) plus ``"total"``.
        Suppressed cells are NaN. ``result.attrs["suppressed"]`` is a boolean frame
        of the same shape (True = hidden), ``result.attrs["people"]`` the people
        behind each cell (for auditing; do not publish it) and
        ``result.attrs["notes"]`` explains what was hidden.
    """
    if measure not in _MEASURES:
        raise InputError(f"The 'measure' parameter of breakdown must be one of {set(_MEASURES)}. "
                         f"Got {measure!r} instead.")
    if person is not None and person not in analyzed.columns:
        person = None
    is_period = by == "period" and "period" not in analyzed.columns
    if is_period:
        if time is None or time not in analyzed.columns:
            raise InputError(f"breakdown(by='period') needs a time column; '{time}' is not in the frame.",
                             column=time)
        p = prepare(analyzed, topic_field=topic_field, time=time, person=person, segments=[],
                    period=period, negative_threshold=negative_threshold)
        if p.period is None:
            raise InputError(f"breakdown(by='period'): column '{time}' has no usable timestamps.",
                             column=time)
        codes, values = p.period, [str(x) for x in p.periods]
    else:
        p = prepare(analyzed, topic_field=topic_field, time=None, person=person, segments=[by],
                    period=period, negative_threshold=negative_threshold, want_time=False)
        codes, values = p.segments[by]
        values = [str(v) for v in values]
    k, ns = len(p.topics), len(values)
    seg = codes[p.ex_row]
    ok = seg >= 0
    t, s, rows = p.ex_topic[ok], seg[ok], p.ex_row[ok]
    cell = t * ns + s
    texts = np.bincount(cell, minlength=k * ns).reshape(k, ns)
    person_ids = p.person[rows]
    keys = unique_int(cell * np.int64(p.n_people) + person_ids)
    people = np.bincount(keys // p.n_people, minlength=k * ns).reshape(k, ns)
    seg_ok = codes >= 0
    seg_people = np.bincount(unique_int(codes[seg_ok] * np.int64(p.n_people) + p.person[seg_ok])
                             // p.n_people, minlength=ns)
    mask, row_margin, col_margin = suppress(people, min_people_figures,
                                            None if is_period else seg_people)
    if measure == "texts":
        val = texts.astype(float)
        total = texts.sum(axis=1).astype(float)
    elif measure == "people":
        val = people.astype(float)
        total = np.bincount(unique_int(t * np.int64(p.n_people) + person_ids) // p.n_people,
                            minlength=k).astype(float)
    elif measure == "people_share":
        with np.errstate(invalid="ignore", divide="ignore"):
            val = people / seg_people[None, :]
            known = max(len(unique_int(p.person[seg_ok])), 1)
            total = np.bincount(unique_int(t * np.int64(p.n_people) + person_ids) // p.n_people,
                                minlength=k) / known
    else:
        sv = p.sentiment[rows]
        fin = np.isfinite(sv)
        n = np.bincount(cell[fin], minlength=k * ns).reshape(k, ns)
        w = (sv[fin] <= negative_threshold).astype(float) if measure == "negative_share" else sv[fin]
        sm = np.bincount(cell[fin], weights=w, minlength=k * ns).reshape(k, ns)
        with np.errstate(invalid="ignore", divide="ignore"):
            val = np.where(n > 0, sm / n, np.nan)
            total = np.where(n.sum(1) > 0, sm.sum(1) / n.sum(1), np.nan)
    val = np.where(mask, np.nan, val)
    total = np.where(row_margin, np.nan, total)
    out = pd.DataFrame(val, index=pd.Index(p.topics, name="topic"), columns=values)
    out["total"] = total
    sup = pd.DataFrame(mask, index=out.index, columns=values)
    sup["total"] = row_margin
    notes = list(p.notes)
    if mask.any():
        notes.append(Note("cells_hidden", n=int(mask.sum()), min_people=min_people_figures))
    small = np.zeros(ns, dtype=bool) if is_period else seg_people < min_people_figures
    if (col_margin & small).any():
        hidden = [values[j] for j in np.flatnonzero(col_margin & small)]
        notes.append(Note("segments_hidden", min_people=min_people_figures, segments=", ".join(map(str, hidden))))
    if (col_margin & ~small).any():          # large segments whose total was hidden for complementarity
        hidden = [values[j] for j in np.flatnonzero(col_margin & ~small)]
        notes.append(Note("segment_totals_hidden", segments=", ".join(map(str, hidden))))
    out.attrs = {"suppressed": sup, "people": pd.DataFrame(people, index=out.index, columns=values),
                 "notes": notes, "measure": measure, "by": by,
                 "column_margin_suppressed": dict(zip(values, col_margin.tolist()))}
    return out

"""write_xlsx_report: the ranking, breakdowns and quotes as an Excel workbook."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.io import excel_writer


def _cells(df: pd.DataFrame) -> pd.DataFrame:
    """Lists as ``a|b`` strings and booleans as text so openpyxl writes every cell."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = [("|".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v) for v in out[c]]
    return out


def write_xlsx_report(
    ranking: pd.DataFrame,
    analyzed: pd.DataFrame,
    path: str | Path,
    *,
    time: str | None = None,
    person: str | None = None,
    segments: Sequence[str] | None = None,
    period: str | None = None,
    quotes_per_topic: int = 3,
) -> Path:
    """Write the ranking to an .xlsx workbook for Excel users.

    Sheets: ``ranking`` (every component and the explanation), one
    ``by_<segment>`` sheet per segment (people per topic × segment, suppressed
    cells empty and listed in a ``suppressed`` block below), ``by_period`` (texts
    per topic × period) and ``quotes`` (up to ``quotes_per_topic`` typical and
    severe masked quotes per topic, under the same quoting thresholds).

    Parameters
    ----------
    ranking, analyzed : DataFrame
        The output of ``rank_issues`` and the analysed frame it ranked.
    path : path
        Where to write the ``.xlsx`` file; parent folders are created.
    time, person, segments, period
        As given to ``rank_issues``; default to what ``ranking.attrs`` recorded.
    quotes_per_topic : int
        Quotes of each kind per topic in the ``quotes`` sheet.

    Returns
    -------
    Path
        The written file.
    """
    from mvvtext.rank import breakdown, quotes

    if "priority" not in ranking.columns:
        raise InputError("write_xlsx_report expects the ranking frame returned by rank_issues().")
    attrs = ranking.attrs or {}
    k = int(attrs.get("min_people_figures", 5))
    kq = int(attrs.get("min_people_quotes", 10))
    topic_field = attrs.get("topic_field", "topics")
    segments = list(segments if segments is not None else attrs.get("segments", []))
    time = time if time is not None else attrs.get("time", "timestamp")
    person = person if person is not None else attrs.get("person", "person_id")
    person = person if person is not None and person in analyzed.columns else None
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with excel_writer(out) as xw:
        _cells(ranking).to_excel(xw, sheet_name="ranking", index=False)
        for seg in segments:
            if seg not in analyzed.columns:
                continue
            tab = breakdown(analyzed, by=seg, topic_field=topic_field, person=person, measure="people",
                            min_people_figures=k)
            tab.to_excel(xw, sheet_name=f"by_{seg}"[:31])
            sup = tab.attrs["suppressed"].astype(str).replace({"True": "秘匿", "False": ""})
            sup.to_excel(xw, sheet_name=f"by_{seg}"[:31], startrow=len(tab) + 3)
        if time and time in analyzed.columns and attrs.get("time") is not None:
            per = breakdown(analyzed, by="period", topic_field=topic_field, person=person, time=time,
                            period=period or attrs.get("period", "W"), min_people_figures=k)
            per.to_excel(xw, sheet_name="by_period")
        rows = []
        if "text_masked" in analyzed.columns:
            segs = [s for s in segments if s in analyzed.columns]
            ids = analyzed["id"] if "id" in analyzed.columns else None
            for topic in ranking["topic"]:
                shown: set = set()                    # a text quoted as typical is not repeated as severe
                for kind in ("typical", "severe"):
                    q = quotes(analyzed, topic, quotes_per_topic + len(shown), kind=kind, topic_field=topic_field,
                               person=person, segments=segs, min_people_quotes=kq)
                    q = q[~q.index.isin(shown)].head(quotes_per_topic)
                    shown.update(q.index)
                    rows += [{"topic": topic, "kind": kind, "id": ids.loc[idx] if ids is not None else idx,
                              "row": idx, "quote": x.quote, "sentiment": x.sentiment, "risks": "|".join(x.risks)}
                             for idx, x in q.iterrows()]
        pd.DataFrame(rows, columns=["topic", "kind", "id", "row", "quote", "sentiment", "risks"]).to_excel(
            xw, sheet_name="quotes", index=False)
        notes = pd.DataFrame({"note": [f"cells describing fewer than {k} people are suppressed (empty), with "
                                       f"complementary suppression; quotes need {kq} people",
                                       *attrs.get("notes", [])]})
        notes.to_excel(xw, sheet_name="notes", index=False)
    return out

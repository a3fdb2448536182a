"""write_html_report: one self-contained HTML file (inline PNG charts, no external assets)."""
from __future__ import annotations

import datetime as _dt
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.rank._notes import note_text
from mvvtext.report import _charts

_SEG_JA = {"site": "拠点", "department": "部署", "tenure_band": "勤続年数"}


def _fmt(v, spec: str, empty: str = "–") -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)) or v is pd.NA:
        return empty
    return format(v, spec)


def _count(v, empty: str = "–") -> int | str:
    """An integer count, or ``empty`` when it is missing (hidden)."""
    if v is None or v is pd.NA or (isinstance(v, (float, np.floating)) and not np.isfinite(v)):
        return empty
    return int(v)


def _row(r: pd.Series) -> dict:
    """Template fields of one ranking row; hidden (NaN / <NA>) figures print as 「–」."""
    lift = r.get("outcome_lift")
    ci = ""
    if pd.notna(r.get("outcome_odds_ratio", np.nan)):
        ci = f"{r['outcome_odds_ratio']:.2f} ({r['outcome_or_low']:.2f}–{r['outcome_or_high']:.2f})"
    risk_n = _count(r.get("risk_texts"), empty="")
    return {
        "rank": int(r["rank"]), "topic": r["topic"], "label": r.get("label", r["topic"]),
        "priority": _fmt(r["priority"], ".0f"), "texts": _count(r.get("texts")), "people": _count(r.get("people")),
        "share": _fmt(r.get("share"), ".0%"), "repeat": _fmt(r.get("repeat_contact_rate"), ".0%"),
        "neg": _fmt(r.get("negative_share"), ".0%"), "sent": _fmt(r.get("mean_sentiment"), "+.2f"),
        "complaint": _fmt(r.get("complaint_share"), ".0%"),
        "risk_texts": "–" if risk_n == "" else risk_n, "risk_badge": risk_n or 0,
        "ratio": _fmt(r.get("rate_ratio"), ".2f"), "z": _fmt(r.get("trend_z"), ".1f"),
        "breadth": _fmt(r.get("breadth"), ".0%"), "lift": _fmt(lift, ".2f"), "or": ci or "–",
        "emerging": _charts._flag(r.get("emerging", False)),
        "suppressed": {"figures+quotes": "数値・引用", "quotes": "引用"}.get(r.get("suppressed", ""), ""),
        "explanation": r.get("explanation", ""), "quote_typical": r.get("quote_typical", ""),
        "quote_severe": r.get("quote_severe", ""),
    }


def _risk_texts(ranking: pd.DataFrame, analyzed: pd.DataFrame) -> int | str:
    """Texts with any risk flag, counted once each, hidden topics' texts included (a page total)."""
    if "n_risk_texts" in (ranking.attrs or {}):
        return int(ranking.attrs["n_risk_texts"])
    if "risks" not in analyzed.columns:
        return "–"
    from mvvtext.rank._prepare import list_column

    return sum(1 for labels in list_column(analyzed["risks"]) if len(labels))


def write_html_report(
    ranking: pd.DataFrame,
    analyzed: pd.DataFrame,
    path: str | Path,
    *,
    title: str = "従業員の声 課題ランキング",
    time: str | None = None,
    person: str | None = None,
    segments: Sequence[str] | None = None,
    period: str | None = None,
    top: int = 15,
) -> Path:
    """Write a self-contained HTML report of a ranking.

    Parameters
    ----------
    ranking : DataFrame
        Output of :func:`mvvtext.rank.rank_issues` (its ``attrs`` carry the notes,
        weights and thresholds used).
    analyzed : DataFrame
        The analysed frame the ranking was computed from (for the trend lines and
        the topic × segment heat maps; its quotes are already in ``ranking``).
    path : path
        Where to write the ``.html`` file; parent folders are created.
    title : str
        Report title.
    time, person, segments, period
        As given to ``rank_issues``; default to what ``ranking.attrs`` recorded.
    top : int
        Topics shown in the charts and the quote section.

    Returns
    -------
    Path
        The written file. Charts are inline base64 PNGs, so the file opens offline.
    """
    import jinja2

    from mvvtext import _version
    from mvvtext.rank import breakdown

    if not isinstance(ranking, pd.DataFrame) or "priority" not in ranking.columns:
        raise InputError("write_html_report expects the ranking frame returned by rank_issues().")
    attrs = ranking.attrs or {}
    period = period or attrs.get("period", "W")
    segments = list(segments if segments is not None else attrs.get("segments", []))
    topic_field = attrs.get("topic_field", "topics")
    k = int(attrs.get("min_people_figures", 5))
    time = time if time is not None else attrs.get("time", "timestamp")
    person = person if person is not None else attrs.get("person", "person_id")
    person = person if person is not None and person in analyzed.columns else None
    labels = dict(zip(ranking["topic"], ranking.get("label", ranking["topic"])))
    order = [t for t in ranking["topic"]]

    charts = {"priority": _charts.priority_bars(ranking, top), "matrix": _charts.priority_matrix(ranking),
              "trend": None, "cs": _charts.cs_matrix(ranking)}
    trend_note = ""
    period_range = "–"
    if time and time in analyzed.columns and attrs.get("time") is not None:
        per = breakdown(analyzed, by="period", topic_field=topic_field, person=person, time=time,
                        period=period, min_people_figures=k)
        charts["trend"] = _charts.trend_lines(per, ranking)
        _, left_out = _charts.trend_series(per, ranking)
        if left_out:
            trend_note = ("小集団のため推移を秘匿（グラフに表示しないトピック）："
                          + "、".join(str(labels.get(t, t)) for t in left_out))
        cols = [c for c in per.columns if c != "total"]
        if cols:
            period_range = f"{str(cols[0]).split('/')[0]} 〜 {str(cols[-1]).split('/')[-1]}"
    breakdowns = []
    first = next((s for s in segments if s in analyzed.columns), None)
    if first and "risks" in analyzed.columns:
        from mvvtext.rank._labels import RISK_JA

        risk = breakdown(analyzed, by=first, topic_field="risks", person=person, measure="people",
                         min_people_figures=k)
        if len(risk):
            sup = risk.attrs["suppressed"]
            risk.index = [RISK_JA.get(t, t) for t in risk.index]
            sup.index = risk.index
            name = _SEG_JA.get(first, first)
            breakdowns.append({"title": f"リスクの所在：{name}別の人数",
                               "chart": _charts.heatmap(risk, f"リスク × {name}（リスクを含む声を上げた人数）"),
                               "notes": [note_text(n) for n in risk.attrs.get("notes", [])
                                         if getattr(n, "key", "") != "rows_without_topic"]})
    for seg in segments:
        if seg not in analyzed.columns:
            continue
        tab = breakdown(analyzed, by=seg, topic_field=topic_field, person=person, measure="people_share",
                        min_people_figures=k)
        tab = tab.reindex([t for t in order if t in tab.index][:top])
        sup = tab.attrs.get("suppressed")
        tab.attrs["suppressed"] = sup.reindex(tab.index) if sup is not None else None
        tab.index = [labels.get(t, t) for t in tab.index]
        name = _SEG_JA.get(seg, seg)
        breakdowns.append({"title": f"{name}別：声を上げた人の割合",
                           "chart": _charts.heatmap(tab, f"トピック × {name}（その{name}の人のうち声を上げた割合）"),
                           "notes": [note_text(n) for n in tab.attrs.get("notes", [])]})

    rows = [_row(r) for _, r in ranking.iterrows()]
    weights = attrs.get("weights", {})
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(
        resources.files("mvvtext.report").joinpath("templates", "report.html.j2").read_text("utf-8"))
    html = template.render(
        title=title, generated=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"), version=_version.__version__,
        period_range=period_range, n_texts=f"{attrs.get('n_texts', len(analyzed)):,}",
        n_people=f"{attrs.get('n_people', 0):,}", n_topics=len(ranking),
        n_risk=_risk_texts(ranking, analyzed),
        n_emerging=int(ranking["emerging"].sum()) if "emerging" in ranking else 0,
        top3=rows[:3], rows=rows, quote_rows=rows[:top], charts=charts, breakdowns=breakdowns,
        trend_note=trend_note, any_hidden=any(r["suppressed"] == "数値・引用" for r in rows),
        weights_text="、".join(f"{_charts.COMPONENT_JA.get(k, k)} {v:.2f}" for k, v in weights.items()),
        outcome_name=attrs.get("outcome") or "outcome", notes=[note_text(n) for n in attrs.get("notes", [])],
        min_quotes=attrs.get("min_people_quotes", 10), min_figures=k)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out

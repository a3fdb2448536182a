"""rank_issues: one row per topic with every component of its priority."""
from __future__ import annotations

import logging
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from mvvtext.exceptions import InputError
from mvvtext.rank import _components as comp
from mvvtext.rank._cs import cs_portfolio
from mvvtext.rank._labels import topic_label
from mvvtext.rank._notes import Note
from mvvtext.rank._outcome import outcome_link, person_outcome
from mvvtext.rank._prepare import prepare
from mvvtext.rank._quotes import QuoteSource, _clip, quotable_rows, topic_quotes
from mvvtext.rank._trend import trend

logger = logging.getLogger(__name__)

#: Default weights of the normalised components in ``priority`` (see docs/ranking.md).
DEFAULT_WEIGHTS: dict[str, float] = {
    "volume": 0.25, "negativity": 0.15, "intent": 0.10, "risk": 0.15,
    "trend": 0.10, "breadth": 0.10, "outcome": 0.15, "improvement": 0.10,
}
#: How much each intent counts towards ``intent_severity`` (complaints weigh most).
DEFAULT_INTENT_WEIGHTS: dict[str, float] = {
    "complaint": 1.0, "request": 0.6, "report": 0.3, "question": 0.2, "praise": 0.0}
_AUTO_SEGMENTS = ("site", "department", "tenure_band", "branch", "division")
#: Wording of the ``explanation`` column, one template set per language (``rank_issues(language=...)``).
_WORDING: dict[str, dict] = {
    "ja": {
        "sep": "、", "texts": "{n}件（{people}人・全体の{share:.0%}）", "negative": "ネガティブ{v:.0%}",
        "complaints": "苦情{v:.0%}", "risk": "リスク該当{n}件", "surging": "急増 ×{ratio:.1f}（z={z:.1f}）",
        "raised": "{min}人以上が挙げた{unit} {k}/{total}", "more": "{outcome}が{ratio:.1f}倍起きやすい",
        "less": "{outcome}が起きにくい（{ratio:.1f}分の1）", "suppressed": "（小集団のため{what}を秘匿）",
        "segments": {"site": "拠点", "department": "部署", "tenure_band": "勤続年数帯", "branch": "支店",
                     "division": "事業部"},
        "segment_other": "{col}", "what": {"figures+quotes": "数値と引用", "quotes": "引用"},
    },
    "en": {
        "sep": ", ", "texts": "texts {n} ({people} people, {share:.0%} of all)", "negative": "{v:.0%} negative",
        "complaints": "{v:.0%} complaints", "risk": "{n} risk texts", "surging": "surging ×{ratio:.1f} (z={z:.1f})",
        "raised": "raised by {min}+ people at {k}/{total} {unit}", "more": "{outcome} {ratio:.1f}× more likely",
        "less": "{outcome} {ratio:.1f}× less likely", "suppressed": "({what} suppressed: small group)",
        "segments": {"site": "sites", "department": "departments", "tenure_band": "tenure bands",
                     "branch": "branches", "division": "divisions"},
        "segment_other": "{col} groups", "what": {"figures+quotes": "figures and quotes"},
    },
}
#: Columns kept in a row whose figures are hidden (``suppressed == "figures+quotes"``): they do not
#: describe the few people who raised the topic (the CS-portfolio columns come from every respondent).
_KEPT_IN_HIDDEN_ROWS = ("rank", "topic", "label", "priority", "suppressed", "explanation", "quote_typical",
                        "quote_severe", "c_improvement")
_KEPT_PREFIXES = ("segments_total_", "cs_")


def _components(r: pd.DataFrame, min_emerging_count: int) -> pd.DataFrame:
    """Normalised components in [0, 1] (NaN column = component not available)."""
    c = pd.DataFrame(index=r.index)
    mx = r["share"].max()
    c["volume"] = r["share"] / mx if mx > 0 else 0.0
    c["negativity"] = r.get("negative_share", np.nan)
    c["intent"] = r.get("intent_severity", np.nan)
    if "risk_texts" in r:
        prior = r["risk_texts"].sum() / max(r["texts"].sum(), 1)
        rate = (r["risk_texts"] + 10 * prior) / (r["texts"] + 10)   # shrunk towards the overall rate
        c["risk"] = rate / rate.max() if rate.max() > 0 else 0.0
    else:
        c["risk"] = np.nan
    if r["trend_z"].notna().any():
        c["trend"] = np.where(r["latest_count"] >= min_emerging_count, (r["trend_z"] / 4).clip(0, 1), 0.0)
    else:
        c["trend"] = np.nan
    c["breadth"] = r.get("breadth", np.nan)
    if "outcome_or_low" in r and r["outcome_or_low"].notna().any():
        c["outcome"] = (np.log(r["outcome_or_low"]) / np.log(3)).clip(0, 1).fillna(0.0)
    else:
        c["outcome"] = np.nan
    if "cs_improvement_index" in r and r["cs_improvement_index"].notna().any():
        c["improvement"] = (r["cs_improvement_index"] / 1.5).clip(0, 1).fillna(0.0)
    else:
        c["improvement"] = np.nan
    return c


def _priority(c: pd.DataFrame, weights: Mapping[str, float]) -> tuple[pd.Series, dict[str, float]]:
    used = {k: float(w) for k, w in weights.items() if k in c and c[k].notna().any() and w > 0}
    total = sum(used.values())
    if total <= 0:
        return pd.Series(0.0, index=c.index), used
    score = sum(c[k].fillna(0.0) * w for k, w in used.items()) / total
    return 100 * score, {k: w / total for k, w in used.items()}


def _explain(row: pd.Series, segments: Sequence[str], outcome: str | None, language: str = "ja",
             min_people: int = 5) -> str:
    """One readable line of what drives a topic's priority, in ``language`` (see :data:`_WORDING`).

    The share is of people (the topic's people over everyone's); breadth counts the
    segments of the first segment column where ``min_people`` or more raised it.
    """
    w = _WORDING[language]
    if row.get("suppressed") == "figures+quotes":       # no figure of a small group, not even in words
        return w["suppressed"].format(what=w["what"].get(row["suppressed"], row["suppressed"]))
    parts = [w["texts"].format(n=int(row["texts"]), people=int(row["people"]), share=row["share"])]
    if pd.notna(row.get("negative_share")):
        parts.append(w["negative"].format(v=row["negative_share"]))
    if pd.notna(row.get("complaint_share")):
        parts.append(w["complaints"].format(v=row["complaint_share"]))
    if pd.notna(row.get("risk_texts")) and row["risk_texts"] > 0:
        parts.append(w["risk"].format(n=int(row["risk_texts"])))
    if bool(row.get("emerging")):
        parts.append(w["surging"].format(ratio=row["rate_ratio"], z=row["trend_z"]))
    for col in segments[:1]:
        if f"segments_raising_{col}" in row:
            unit = w["segments"].get(col, w["segment_other"].format(col=col))
            parts.append(w["raised"].format(k=int(row[f"segments_raising_{col}"]), min=min_people,
                                            total=int(row[f"segments_total_{col}"]), unit=unit))
    if outcome and pd.notna(row.get("outcome_p")) and row["outcome_p"] < 0.05 and pd.notna(row["outcome_lift"]):
        more = row["outcome_lift"] >= 1
        ratio = row["outcome_lift"] if more else 1 / max(row["outcome_lift"], 1e-9)
        parts.append(w["more" if more else "less"].format(outcome=outcome, ratio=ratio))
    if row.get("suppressed"):
        parts.append(w["suppressed"].format(what=w["what"].get(row["suppressed"], row["suppressed"])))
    return w["sep"].join(parts)


def _hide_figures(r: pd.DataFrame) -> pd.DataFrame:
    """Hide every figure of the rows marked ``suppressed == "figures+quotes"``.

    Counts, shares, negativity, sentiment, intent mix, risk counts, trend, breadth,
    outcome figures and the normalised components of those rows become NaN
    (``emerging`` becomes ``<NA>``; the column is nullable boolean). ``rank``,
    ``priority``, ``label``, the CS-portfolio columns and ``segments_total_<col>``
    stay: they were computed from the true figures but describe no small group.

    Parameters
    ----------
    r : DataFrame
        The ranking, already scored, sorted and explained.

    Returns
    -------
    DataFrame
        A copy with the figures of small-group rows hidden.
    """
    out = r.copy()
    if "emerging" in out:
        out["emerging"] = out["emerging"].astype("boolean")
    hidden = (out["suppressed"] == "figures+quotes").to_numpy()
    if not hidden.any():
        return out
    cols = [c for c in out.columns if c not in _KEPT_IN_HIDDEN_ROWS and not str(c).startswith(_KEPT_PREFIXES)]
    for c in cols:
        if c == "emerging":
            out.loc[hidden, c] = pd.NA
        elif pd.api.types.is_numeric_dtype(out[c].dtype):
            out[c] = out[c].astype(float)
            out.loc[hidden, c] = np.nan
        else:
            out[c] = out[c].astype(object)
            out.loc[hidden, c] = None
    return out


def rank_issues(
    analyzed: pd.DataFrame,
    time: str | None = "timestamp",
    person: str | None = "person_id",
    segments: Sequence[str] | None = None,
    outcome: str | None = "left_early",
    period: str = "W",
    weights: Mapping[str, float] | None = None,
    min_people_figures: int = 5,
    min_people_quotes: int = 10,
    topic_field: str = "topics",
    *,
    satisfaction_items: Mapping[str, str] | None = None,
    overall: str | None = None,
    recent_periods: int = 4,
    baseline_periods: int = 8,
    alpha: float = 0.01,
    min_emerging_count: int = 5,
    min_rate_ratio: float = 1.5,
    negative_threshold: float = -0.5,
    intent_weights: Mapping[str, float] | None = None,
    with_quotes: bool = True,
    language: str = "ja",
    exclude_topics: Sequence[str] = ("other",),
) -> pd.DataFrame:
    """Rank issue topics by a documented, decomposable priority score.

    Parameters
    ----------
    analyzed : DataFrame
        Output of :func:`mvvtext.classify.analyze` (or any frame with a list-of-codes
        ``topic_field`` and optionally ``sentiment``, ``intent``, ``risks``,
        ``text_masked``). Never modified. A text counts once for each of its topics.
    time : str or None
        Timestamp column for the trend. None, the default ``timestamp`` when absent,
        or a column with no dates: ranked without trend, with a logged warning and a
        note in ``result.attrs["notes"]``. A named column that is absent raises
        :class:`~mvvtext.exceptions.InputError`.
    person : str or None
        Person id column; one person writing ten times is one voice. None, or the
        default ``person_id`` when absent: every text counts as its own voice. A
        named column that is absent raises :class:`~mvvtext.exceptions.InputError`.
    segments : list of str, optional
        Segment columns for breadth (``segments_raising_<col>``). Default: the
        segments ``read_voices(segments=...)`` recorded in ``analyzed.attrs`` (kept
        by ``analyze``), else those of ``site``, ``department``, ``tenure_band``,
        ``branch``, ``division`` present in the frame.
    outcome : str or None
        0/1 outcome per person (e.g. ``left_early``): 1/0, true/false, yes/no,
        はい/いいえ, あり/なし, 有/無, 該当/非該当 or 退職/在籍, in any width or case
        (:data:`mvvtext.rank._outcome.YES_NO`). The default is skipped when absent; a
        named column that is absent, or holding other values, raises
        :class:`~mvvtext.exceptions.InputError` naming the person and row. Missing
        values are excluded and the people without one counted in ``attrs["notes"]``.
    period : str
        Pandas period alias for the trend (``"W"`` weeks, ``"M"`` months).
    weights : dict, optional
        Weights of the normalised components, merged over :data:`DEFAULT_WEIGHTS`
        = volume 0.25, negativity 0.15, intent 0.10, risk 0.15, trend 0.10,
        breadth 0.10, outcome 0.15, improvement 0.10. Components that cannot be
        computed (no time, no outcome …) are left out and the rest renormalised.
    min_people_figures : int
        Topics raised by fewer people are marked ``suppressed = "figures+quotes"``:
        every figure of their row (texts, people, shares, sentiment, risk counts,
        trend, breadth, outcome, normalised components) is NaN (``emerging``:
        ``<NA>``); only ``rank``, ``priority`` and the label remain. The priority is
        computed from the true figures before they are hidden. Segments smaller
        than this do not count towards breadth.
    min_people_quotes : int
        Quotes only for topics raised by at least this many people, and only from
        writers whose every segment holds at least this many people.
    topic_field : str
        The list-of-topics column (``"topics"``; ``"primary"`` works too).
    satisfaction_items, overall : optional
        ``{"pay": "q_pay", ...}`` numeric survey items per topic and the overall
        score column: adds CS-portfolio columns and the ``improvement`` component.
    recent_periods, baseline_periods : int
        The trend compares the last ``recent_periods`` periods with the
        ``baseline_periods`` before them (conditional binomial test on counts
        relative to all texts in each window).
    alpha, min_emerging_count, min_rate_ratio : float, int, float
        ``emerging`` = ``trend_p < alpha`` and ``latest_count >= min_emerging_count``
        and ``rate_ratio >= min_rate_ratio``.
    negative_threshold : float
        A text is negative when ``sentiment <= negative_threshold``.
    intent_weights : dict, optional
        Per-intent weight in ``intent_severity`` (default complaint 1, request 0.6,
        report 0.3, question 0.2, praise 0).
    with_quotes : bool
        Add ``quote_typical`` and ``quote_severe`` (masked text only).
    language : {'ja', 'en'}
        Language of the ``explanation`` column (「120件（全体の12%）、ネガティブ45%、…」
        or "texts 120 (12% of voices), 45% negative, …").
    exclude_topics : sequence of str
        Topics left out of the ranking (default ``("other",)``: texts about none of
        the listed topics are no issue to act on). They neither compete with the
        others nor set the scale of their volume; ``attrs["notes"]`` says how many
        texts they hold. ``()`` ranks every topic.

    Returns
    -------
    DataFrame
        One row per topic, sorted by ``rank`` (1 = highest priority), with the raw
        components (``texts``, ``people``, ``share``, ``repeat_contact_rate``,
        ``mean_sentiment``, ``negative_share``, ``<intent>_share``, ``risk_texts``,
        ``risk_<code>``, ``latest_count``, ``baseline_mean``, ``rate_ratio``,
        ``trend_z``, ``trend_p``, ``emerging``, ``segments_raising_<col>``,
        ``outcome_lift``, ``outcome_odds_ratio`` + CI, ``outcome_p`` …), the
        normalised components ``c_<name>``, ``priority`` (0–100), ``explanation``,
        ``suppressed`` and the quotes. Rows of topics raised by fewer than
        ``min_people_figures`` people hold no figures (NaN; see that parameter).
        ``attrs`` holds ``notes``, ``weights`` (as used, renormalised) and the
        parameters.
    """
    if language not in _WORDING:
        raise InputError(f"The 'language' parameter of rank_issues must be one of {sorted(_WORDING)}. "
                         f"Got {language!r} instead.")
    w = dict(DEFAULT_WEIGHTS)
    for k, v in (weights or {}).items():
        if k not in DEFAULT_WEIGHTS:
            raise InputError(f"Unknown weight {k!r}; the components are {sorted(DEFAULT_WEIGHTS)}.")
        if not np.isfinite(v) or v < 0:
            raise InputError(f"Weight {k!r} must be a non-negative number. Got {v!r} instead.")
        w[k] = float(v)
    for name, val in (("min_people_figures", min_people_figures), ("min_people_quotes", min_people_quotes),
                      ("recent_periods", recent_periods), ("baseline_periods", baseline_periods)):
        if not isinstance(val, (int, np.integer)) or val < 1:
            raise InputError(f"The {name!r} parameter of rank_issues must be an integer >= 1. Got {val!r} instead.")
    if person is not None and person not in analyzed.columns:
        if person != "person_id":
            raise InputError(f"The person column '{person}' is not in the analysed frame "
                             f"(columns: {', '.join(map(str, analyzed.columns))}). Name the person id "
                             "column, or pass person=None to count every text as its own voice.",
                             column=person)
        logger.info("person column %r not found: every text counted as its own voice", person)
        person = None
    if time is not None and time != "timestamp" and time not in analyzed.columns:
        raise InputError(f"The time column '{time}' is not in the analysed frame "
                         f"(columns: {', '.join(map(str, analyzed.columns))}). Name the date/time column, "
                         "or pass time=None to rank without the trend.", column=time)
    early_notes: list[Note] = []
    if segments is None:  # the segments read_voices was given, else the usual names
        named = [s for s in analyzed.attrs.get("mvvtext_segments", []) if s in analyzed.columns]
        segments = named or [s for s in _AUTO_SEGMENTS if s in analyzed.columns]
        if not segments:
            early_notes.append(Note("no_segments"))
    segments = list(segments)
    p = prepare(analyzed, topic_field=topic_field, time=time, person=person, segments=segments,
                period=period, negative_threshold=negative_threshold)
    notes = p.notes
    notes.extend(early_notes)
    parts = [comp.volume(p), comp.negativity(p, negative_threshold),
             comp.intent_mix(p, {**DEFAULT_INTENT_WEIGHTS, **(intent_weights or {})}), comp.risk(p),
             trend(p, recent_periods=recent_periods, baseline_periods=baseline_periods, alpha=alpha,
                   min_emerging_count=min_emerging_count, min_rate_ratio=min_rate_ratio, notes=notes),
             comp.breadth(p, min_people_figures)]
    if outcome is not None:
        if outcome in analyzed.columns:
            parts.append(outcome_link(p, person_outcome(analyzed, outcome, p, notes, person=person),
                                      min_people_figures))
        elif outcome != "left_early":
            raise InputError(f"The outcome column '{outcome}' is not in the analysed frame "
                             f"(columns: {', '.join(map(str, analyzed.columns))}). Name the 0/1 outcome column "
                             "(join it to the texts by person id first), or pass outcome=None to rank without it.",
                             column=outcome)
        else:
            notes.append(Note("no_outcome"))
    if satisfaction_items:
        if overall is None:
            raise InputError("satisfaction_items needs overall= (the overall satisfaction column).")
        parts.append(cs_portfolio(analyzed, satisfaction_items, overall).reindex(p.topics))
    r = pd.concat(parts, axis=1)
    left_out = [t for t in exclude_topics if t in r.index]
    if left_out:  # 「その他」 is no issue to act on: it does not compete with, nor set the scale of, the rest
        notes.append(Note("topics_left_out", topics=", ".join(left_out),
                          n=int(r.loc[left_out, "texts"].sum())))
        r = r.drop(index=left_out)
    if len(r) == 0:
        notes.append(Note("no_topics"))
    r.insert(0, "label", [topic_label(t) for t in r.index])
    c = _components(r, min_emerging_count)
    r["priority"], used = _priority(c, w)
    for k in DEFAULT_WEIGHTS:
        r[f"c_{k}"] = c[k]
    r["suppressed"] = np.where(r["people"] < min_people_figures, "figures+quotes",
                               np.where(r["people"] < min_people_quotes, "quotes", ""))
    if with_quotes:
        _add_quotes(r, analyzed, p, segments, min_people_quotes, notes)
    r["explanation"] = [_explain(row, segments, outcome if "outcome_p" in r else None, language, min_people_figures)
                        for _, row in r.iterrows()]
    r = r.sort_values(["priority", "people"], ascending=False, kind="stable")   # true figures
    r.insert(0, "rank", np.arange(1, len(r) + 1))
    r.index.name = "topic"
    r = _hide_figures(r.reset_index())
    for n in notes:
        logger.info(n)
    r.attrs = {"notes": list(notes), "weights": used, "n_texts": p.n_rows, "n_people": p.n_people,
               "n_risk_texts": int(p.any_risk.sum()),
               "segments": segments, "person": person, "time": time if p.period is not None else None, "period": period,
               "periods": [str(x) for x in p.periods], "outcome": outcome if "outcome_p" in r else None,
               "min_people_figures": min_people_figures, "min_people_quotes": min_people_quotes,
               "topic_field": topic_field}
    return r


def _add_quotes(r, analyzed, p, segments, min_people_quotes, notes) -> None:
    """Fill quote_typical / quote_severe for topics raised by at least ``min_people_quotes`` people.

    Topics whose figures are hidden (``suppressed == "figures+quotes"``) get no
    quote either, even when ``min_people_figures > min_people_quotes``.
    """
    typical, severe = [""] * len(r), [""] * len(r)
    if "text_masked" not in analyzed.columns:
        notes.append(Note("no_masked_text"))
    else:
        eligible = quotable_rows(analyzed, p, segments, min_people_quotes)
        src = QuoteSource.of(analyzed)
        texts = src.texts
        for i, topic in enumerate(r.index):
            if r.at[topic, "people"] < min_people_quotes or r.at[topic, "suppressed"] == "figures+quotes":
                continue
            tid = p.topics.index(topic)
            t = topic_quotes(src, p, tid, eligible, 1, "typical")
            typical[i] = _clip(texts[t[0]]) if t else ""
            s = [_clip(texts[x]) for x in topic_quotes(src, p, tid, eligible, 30, "severe")]
            severe[i] = next((x for x in s if x != typical[i]), "")
    r["quote_typical"], r["quote_severe"] = typical, severe

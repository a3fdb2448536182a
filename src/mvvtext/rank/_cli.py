"""The logic of ``mvvtext rank``, callable from the CLI or from Python."""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Sequence

import pandas as pd

from mvvtext.exceptions import InputError

logger = logging.getLogger(__name__)


def run_rank_command(
    input: str | Path,
    *,
    text_col: str = "text",
    time_col: str | None = None,
    person_col: str | None = None,
    segment_cols: Sequence[str] = (),
    outcome_col: str | None = None,
    id_col: str | None = None,
    channel_col: str | None = None,
    period: str = "W",
    out: str | Path = "ranking.csv",
    html: str | Path | None = None,
    xlsx: str | Path | None = None,
    analyzed_out: str | Path | None = None,
    analyzed_columns_dropped: Sequence[str] = (),
    min_people_figures: int = 5,
    min_people_quotes: int = 10,
    analyze_kwargs: dict | None = None,
    language: str = "ja",
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Read → analyse → rank a file and write the ranking (and optional reports).

    Parameters
    ----------
    input : path
        CSV/TSV/xlsx/JSONL/Parquet of raw voices, read with :func:`mvvtext.io.read_voices`.
        If it already holds a ``topics`` column (an analysed file), analysis is skipped.
    text_col, time_col, person_col, segment_cols, outcome_col, id_col, channel_col
        Column names in the input file (the channel, inquiry / survey / post, is a
        feature of the classifier; without it the channel is guessed). A named
        person or outcome column that is absent raises
        :class:`~mvvtext.exceptions.InputError` before any text is classified.
    period : str
        Trend period (``W``/``M``).
    out : path
        Ranking table (.csv, .xlsx, .jsonl or .parquet, written with ``write_table``).
    html, xlsx : path, optional
        Also write the HTML report / the Excel workbook.
    analyzed_out : path, optional
        Also write the analysed per-text frame.
    analyzed_columns_dropped : sequence of str
        Columns left out of ``analyzed_out`` (the raw text column: the masked text only).
    min_people_figures, min_people_quotes : int
        Confidentiality thresholds, see :func:`rank_issues`.
    analyze_kwargs : dict, optional
        Passed to :func:`mvvtext.classify.analyze`.
    language : {'ja', 'en'}
        Language of the ranking's ``explanation`` column.
    dayfirst : bool, optional
        Order of a/b/yyyy dates, as in :func:`mvvtext.io.read_voices`.

    Returns
    -------
    DataFrame
        The ranking.
    """
    from mvvtext.io import check_output, read_voices, write_table
    from mvvtext.rank._rank import rank_issues

    for target in (out, analyzed_out, xlsx):  # a bad output path fails now, not after the analysis
        if target is not None:
            check_output(target)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    segs = list(segment_cols)
    voices = read_voices(input, text=text_col, id=id_col, channel=channel_col, timestamp=time_col,
                         segments=segs, dayfirst=dayfirst)
    timings["read"] = time.perf_counter() - t0
    for what, col in (("person", person_col), ("outcome", outcome_col)):
        if col is not None and col not in voices.columns:
            raise InputError(f"{input}: the {what} column '{col}' is not in the file (columns: "
                             f"{', '.join(map(str, voices.columns))}). Check the --{what}-col name.",
                             path=input, column=col)
    if "topics" in voices.columns:
        from mvvtext.rank._prepare import list_column

        analyzed = voices.copy()
        analyzed["topics"] = list_column(analyzed["topics"])
        if "risks" in analyzed.columns:
            analyzed["risks"] = list_column(analyzed["risks"])
    else:
        from mvvtext.classify import analyze

        t0 = time.perf_counter()
        analyzed = analyze(voices, text="text", **(analyze_kwargs or {}))
        timings["analyse"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ranking = rank_issues(analyzed, time="timestamp" if time_col else None, person=person_col,
                          segments=segs, outcome=outcome_col, period=period,
                          min_people_figures=min_people_figures, min_people_quotes=min_people_quotes,
                          language=language)
    timings["rank"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_table(ranking, out)
    if analyzed_out:
        write_table(analyzed.drop(columns=[c for c in analyzed_columns_dropped if c in analyzed.columns]),
                    analyzed_out)
    if html:
        from mvvtext.report import write_html_report

        write_html_report(ranking, analyzed, html, time="timestamp" if time_col else None,
                          person=person_col, segments=segs)
    if xlsx:
        from mvvtext.report import write_xlsx_report

        write_xlsx_report(ranking, analyzed, xlsx, person=person_col, segments=segs,
                          time="timestamp" if time_col else None)
    timings["write"] = time.perf_counter() - t0
    ranking.attrs["timings"] = timings
    return ranking

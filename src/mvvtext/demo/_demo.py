"""load_demo / run_demo: read → mask → analyse → rank → report on the shipped demo log."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

logger = logging.getLogger(__name__)

_LOG = "demo_inquiries.csv.gz"
_TRUTH = "demo_inquiries_truth.csv.gz"


def _read(name: str) -> pd.DataFrame:
    with resources.files("mvvtext.demo").joinpath("data", name).open("rb") as fh:
        return pd.read_csv(fh, compression="gzip", dtype={"inquiry_id": str, "person_id": str})


def load_demo() -> pd.DataFrame:
    """The demo inquiry log: 3,600 fictional inquiries to an HR desk over 30 weeks.

    Returns
    -------
    DataFrame
        Columns ``inquiry_id``, ``received_at`` (datetime), ``channel_detail``
        (email / chat / phone), ``person_id``, ``site``, ``department``,
        ``tenure_band``, ``left_early`` (0/1 per person) and ``text`` (raw, with
        fictional personal data: names, phone numbers, e-mails, 社員番号).
    """
    df = _read(_LOG)
    df["received_at"] = pd.to_datetime(df["received_at"])
    return df


def load_demo_truth() -> pd.DataFrame:
    """The generator's intended labels of the demo log, one row per ``inquiry_id``.

    Columns ``topics`` and ``risks`` are lists of codes; ``primary``, ``intent``,
    ``sentiment`` as in the labelled-data contract. For testing ranking without a
    classifier; not a benchmark of one.
    """
    t = _read(_TRUTH)
    for col in ("topics", "risks"):
        t[col] = [[] if pd.isna(v) or v == "" else str(v).split("|") for v in t[col]]
    return t


@dataclass
class DemoResult:
    """What :func:`run_demo` produced."""

    ranking: pd.DataFrame
    analyzed: pd.DataFrame
    html_path: Path
    xlsx_path: Path | None
    timings: dict[str, float] = field(default_factory=dict)


def _print_table(ranking: pd.DataFrame, top: int = 8) -> None:
    cols = ["rank", "topic", "label", "priority", "texts", "people", "negative_share", "risk_texts",
            "rate_ratio", "emerging", "outcome_lift"]
    cols = [c for c in cols if c in ranking.columns]
    t = ranking.head(top)[cols].copy()
    for c in ("priority", "rate_ratio", "outcome_lift"):
        if c in t:
            t[c] = t[c].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    if "negative_share" in t:
        t["negative_share"] = t["negative_share"].map(lambda v: "" if pd.isna(v) else f"{v:.0%}")
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.unicode.east_asian_width", True):
        print(t.to_string(index=False))
    print()
    for _, row in ranking.head(top).iterrows():
        print(f"{int(row['rank'])}. {row['topic']} ({row['label']}): {row['explanation']}")
        quote = row.get("quote_typical") or ""
        if quote:
            print(f"   「{quote[:90]}」")


def run_demo(out_dir: str | Path = "mvvtext-demo", verbose: bool = True, **analyze_kwargs) -> DemoResult:
    """Run the whole pipeline on the demo log and write its reports.

    Steps: :func:`load_demo` → :func:`mvvtext.io.read_voices` → masking and
    classification by :func:`mvvtext.classify.analyze` → :func:`mvvtext.rank.rank_issues`
    → :func:`mvvtext.report.write_html_report` and ``write_xlsx_report``.

    Parameters
    ----------
    out_dir : path
        Folder for ``report.html``, ``report.xlsx``, ``ranking.csv`` and ``analyzed.parquet``.
    verbose : bool
        Print the top issues with their components and one quote each.
    **analyze_kwargs
        Passed to :func:`mvvtext.classify.analyze`.

    Returns
    -------
    DemoResult
    """
    from mvvtext.classify import analyze
    from mvvtext.io import read_voices
    from mvvtext.rank import rank_issues
    from mvvtext.report import write_html_report, write_xlsx_report

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    raw = load_demo()
    # every text is a desk inquiry: the channel is a feature of the classifier
    voices = read_voices(raw.assign(channel="inquiry"), text="text", id="inquiry_id", channel="channel",
                         timestamp="received_at", segments=["site", "department", "tenure_band"])
    timings["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyzed = analyze(voices, text="text", **analyze_kwargs)
    timings["analyse"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ranking = rank_issues(analyzed, time="timestamp", person="person_id",
                          segments=["site", "department", "tenure_band"], outcome="left_early")
    timings["rank"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    title = "株式会社みらい技研 問い合わせ窓口ログ 課題ランキング（デモ）"
    html = write_html_report(ranking, analyzed, out / "report.html", title=title, time="timestamp",
                             person="person_id", segments=["site", "department", "tenure_band"])
    xlsx = write_xlsx_report(ranking, analyzed, out / "report.xlsx", person="person_id",
                             segments=["site", "department", "tenure_band"], time="timestamp")
    ranking.to_csv(out / "ranking.csv", index=False)
    timings["report"] = time.perf_counter() - t0
    if verbose:
        print(f"mvvtext demo: {len(analyzed)} inquiries from {analyzed['person_id'].nunique()} people, "
              f"{ranking.attrs.get('periods', ['?'])[0]} … {ranking.attrs.get('periods', ['?'])[-1]}\n")
        _print_table(ranking)
        print(f"\nHTML report: {html}\nExcel workbook: {xlsx}")
        print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    return DemoResult(ranking=ranking, analyzed=analyzed, html_path=html, xlsx_path=xlsx, timings=timings)

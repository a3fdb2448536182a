"""Command-line logic of ``mvvtext score``, ``mvvtext report`` and ``mvvtext rescore``.

The console script (``mvvtext.cli``) registers the sub-commands with
:func:`add_store_commands` (or its own parser with the same option names) and
calls these functions, which return exit codes: 0 ok, 1 error, 2 bad input,
3 store locked, 4 model or profile mismatch. They print one summary line to stdout and errors to stderr, and
show a progress bar only on a terminal, so they run unattended under cron.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any, Callable

from mvvtext.exceptions import EXIT_ERROR, EXIT_INPUT, EXIT_OK, InputError, MvvtextError, exit_code


def _segments(args: argparse.Namespace) -> list[str]:
    raw = getattr(args, "segment_col", None) or []
    if isinstance(raw, str):
        raw = [raw]
    return [s.strip() for item in raw for s in str(item).split(",") if s.strip()]


def _run(fn: Callable[[], Any]) -> int:
    try:
        fn()
    except (MvvtextError, OSError) as e:
        code = exit_code(e)
        kind = {EXIT_INPUT: "bad input: ", EXIT_ERROR: "error: "}.get(code, "")
        print(f"mvvtext: {kind}{e}", file=sys.stderr)
        return code
    return EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    """``mvvtext score INPUT --store PATH [--profile P] [--model DIR] [--text-col C] [--id-col C]
    [--time-col C] [--channel-col C] [--person-col C] [--segment-col C ...] [--log-file F] [--wait SECONDS] [--n-jobs N]
    [--allow-empty]``. An export with no rows exits 2 unless ``--allow-empty``."""
    from mvvtext.store import score_into_store

    def go() -> None:
        summary = score_into_store(
            args.input, args.store, profile=getattr(args, "profile", None), model=getattr(args, "model", None),
            text=getattr(args, "text_col", None) or "text", id=getattr(args, "id_col", None),
            timestamp=getattr(args, "time_col", None), channel=getattr(args, "channel_col", None),
            segments=_segments(args), person=getattr(args, "person_col", None), wait=float(getattr(args, "wait", 0) or 0),
            verbose=getattr(args, "verbose", None), log_file=getattr(args, "log_file", None),
            n_jobs=getattr(args, "n_jobs", None),
            dayfirst=None if getattr(args, "date_order", None) is None else args.date_order == "dmy")
        print(summary)
        if getattr(summary, "n_input", None) == 0 and not getattr(args, "allow_empty", False):
            raise InputError(f"{args.input}: the export has no rows (0 bytes or a header only): a failed upstream "
                             f"export? The run is recorded; pass --allow-empty when an empty week is expected.")

    return _run(go)


def cmd_report(args: argparse.Namespace) -> int:
    """``mvvtext report --store PATH [--period 2026-W47] --out report.html [--format html|xlsx]
    [--alerts alerts.json] [--wait SECONDS]``."""
    from mvvtext.store import weekly_report

    def go() -> None:
        from mvvtext.store._weekly import check_out_suffix

        out = getattr(args, "out", None) or f"report.{getattr(args, 'format', None) or 'html'}"
        fmt = check_out_suffix(out, getattr(args, "format", None))  # a .pdf is refused, not filled with HTML
        out = weekly_report(args.store, period=getattr(args, "period", None), out=out, format=fmt,
                            alerts_path=getattr(args, "alerts", None), wait=float(getattr(args, "wait", 0) or 0))
        alerts = getattr(args, "alerts", None)
        print(f"report written to {out}" + (f"; alerts to {alerts}" if alerts else ""))

    return _run(go)


def cmd_rescore(args: argparse.Namespace) -> int:
    """``mvvtext rescore --store PATH [--model DIR] [--profile P] [--log-file F] [--wait SECONDS]``."""
    from mvvtext.store import rescore

    def go() -> None:
        print(rescore(args.store, model=getattr(args, "model", None), profile=getattr(args, "profile", None),
                      wait=float(getattr(args, "wait", 0) or 0), verbose=getattr(args, "verbose", None),
                      log_file=getattr(args, "log_file", None)))

    return _run(go)


def add_store_commands(subparsers: Any) -> None:
    """Register ``score``, ``report`` and ``rescore`` on an ``argparse`` sub-parsers object;
    each sets ``func`` to the matching ``cmd_*`` function."""
    p = subparsers.add_parser("score", help="score a week's export into the history store (idempotent)",
                              description="Classify a week's export and append it to the DuckDB history "
                                          "store. Texts already scored are skipped, so a rerun adds nothing; "
                                          "a changed text is kept as a new revision. Run it from cron.")
    p.add_argument("input", help="the export: CSV/TSV (UTF-8 or cp932), xlsx, JSONL or Parquet")
    p.add_argument("--store", required=True, help="the DuckDB store file (created on first use)")
    p.add_argument("--profile", help="company profile YAML (default: the shipped profile)")
    p.add_argument("--model", help="trained model folder from `mvvtext train`, or 'default' for the no-label "
                   "model (default: the no-label model, refused when the store's current model is another one)")
    p.add_argument("--allow-empty", action="store_true",
                   help="exit 0 on an export with no rows (default: the run is recorded and the exit status is 2)")
    p.add_argument("--text-col", default="text", help="free-text column (default: text)")
    p.add_argument("--id-col", help="id column (default: 'id' when present)")
    p.add_argument("--time-col", help="timestamp column (default: 'timestamp' when present)")
    p.add_argument("--date-order", choices=("dmy", "mdy"), default=None,
                   help="order of a/b/yyyy dates: dmy (13/08/2026) or mdy (08/13/2026); default: decided per "
                        "column, an error where the dates fit both")
    p.add_argument("--channel-col", help="channel column (default: 'channel' when present)")
    p.add_argument("--person-col", help="column naming who wrote each text (employee number, account): the "
                   "store keeps a keyed digest of it, and the report counts people, not texts, for its figures "
                   "and privacy thresholds (default: each text counts as one person)")
    p.add_argument("--segment-col", action="append", help="segment column for breakdowns (repeat or comma-separate)")
    p.add_argument("--log-file", help="append the run's log to this file")
    p.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another run's lock (default 0)")
    p.add_argument("--n-jobs", type=int, default=None, help="worker processes for classifying (-1: all cores)")
    p.set_defaults(func=cmd_score)

    p = subparsers.add_parser("report", help="weekly report (HTML or xlsx) and alerts JSON from the store",
                              description="Write the weekly report of one ISO week from the history store: "
                                          "ranked and emerging issues, risk texts, trends, breakdowns and "
                                          "values; optionally the alerts JSON for a chat or mail hook.")
    p.add_argument("--store", required=True, help="the DuckDB store file written by `mvvtext score`")
    p.add_argument("--period", help="ISO week, e.g. 2026-W47 (default: the latest week holding dated voices)")
    p.add_argument("--out", default="report.html",
                   help="the report file, .html/.htm or .xlsx; other suffixes are refused (default: report.html)")
    p.add_argument("--format", choices=["html", "xlsx"], help="default: from --out's suffix")
    p.add_argument("--alerts", help="also write the alerts JSON here")
    p.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another run's lock (default 0)")
    p.set_defaults(func=cmd_report)

    p = subparsers.add_parser("rescore", help="re-score the whole history with another model, keeping old scores",
                              description="Score every text of the store again with another model (e.g. one "
                                          "trained on this quarter's tagged texts). The old scores stay beside "
                                          "the new ones; reports use the newest model's. Without --model: the "
                                          "no-label default model.")
    p.add_argument("--store", required=True, help="the DuckDB store file written by `mvvtext score`")
    p.add_argument("--model", default=None, help="trained model folder, or 'default' (default: the no-label "
                   "default model)")
    p.add_argument("--profile", help="company profile YAML (default: the shipped profile)")
    p.add_argument("--log-file", help="append the run's log to this file")
    p.add_argument("--wait", type=float, default=0.0, help="seconds to wait for another run's lock (default 0)")
    p.set_defaults(func=cmd_rescore)

"""The ``mvvtext`` command line: a thin layer over the library.

Exit codes: 0 success, 1 unexpected error, 2 bad input or usage, 3 store locked,
4 model or profile mismatch, missing model or optional dependency. Errors print
one clear line without a traceback unless ``--debug`` is given.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Callable, Sequence

from mvvtext._version import __version__
from mvvtext.exceptions import EXIT_ERROR, EXIT_INPUT, EXIT_OK, InputError, MvvtextError, exit_code

COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]] = {}


def command(name: str, help: str):
    """Register a subcommand: the decorated function adds its arguments and returns the runner."""

    def deco(add_args):
        COMMANDS[name] = (help, add_args)
        return add_args

    return deco


def _input_columns(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="CSV / TSV / Excel / JSONL / Parquet file")
    p.add_argument("--text-col", default="text", help="free-text column (default: text)")
    p.add_argument("--id-col", default=None, help="id column (default: row numbers)")
    p.add_argument("--time-col", default=None, help="timestamp column")
    p.add_argument("--date-order", choices=("dmy", "mdy"), default=None,
                   help="order of a/b/yyyy dates: dmy (13/08/2026) or mdy (08/13/2026); default: decided per column, "
                        "an error where the dates fit both")
    p.add_argument("--channel-col", default=None, help="channel column")
    p.add_argument("--segment-col", action="append", default=[], help="segment column (repeatable)")


def _verbose(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stderr.isatty()


def _read(args: argparse.Namespace):
    from mvvtext.io import read_voices

    return read_voices(args.input, text=args.text_col, id=args.id_col, channel=args.channel_col,
                       timestamp=args.time_col, segments=args.segment_col, dayfirst=_dayfirst(args))


def _dayfirst(args: argparse.Namespace) -> bool | None:
    """``--date-order`` as ``read_voices(dayfirst=)``: dmy True, mdy False, not given None."""
    order = getattr(args, "date_order", None)
    return None if order is None else order == "dmy"


@command("analyze", "classify each text (topics, intent, sentiment, risks, values)")
def _analyze_args(p: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    _input_columns(p)
    p.add_argument("--out", "-o", default=None, help="output .jsonl/.csv/.parquet/.xlsx (default: print a table)")
    p.add_argument("--profile", default=None, help="company profile YAML (default: the shipped profile)")
    p.add_argument("--model", default=None, help="trained model folder from `mvvtext train`")
    p.add_argument("--embedder", default="auto", help="auto, use, tfidf or st:<model name or path>")
    p.add_argument("--n-jobs", type=int, default=None, help="worker processes (-1: all cores)")
    p.add_argument("--masked-only", action="store_true",
                   help="leave the raw text column out of --out (text_masked is kept)")

    def run(args: argparse.Namespace) -> int:
        if args.masked_only and not args.out:
            raise InputError("--masked-only applies to the file written with --out; name one with --out.")
        if args.out:  # a bad --out suffix or folder fails now, not after the whole analysis
            from mvvtext.io import check_output

            check_output(args.out)
        voices = _read(args)
        from mvvtext.classify import analyze
        from mvvtext.io import write_table

        analysed = analyze(voices, profile=args.profile, model=args.model, embedder=args.embedder,
                           verbose=_verbose(args), n_jobs=args.n_jobs)
        if args.out:
            write_table(_masked_only(analysed, args.text_col) if args.masked_only else analysed, args.out)
            print(f"wrote {len(analysed)} rows to {args.out}" + (" (masked text only)" if args.masked_only else ""))
        else:
            _print_table(analysed)
        return EXIT_OK

    return run


def _raw_text_columns(text_col: str) -> tuple[str, ...]:
    """The columns holding raw text: ``text`` and the input's ``text_col`` (``text_masked`` is not one)."""
    return tuple(dict.fromkeys(("text", text_col)))


def _masked_only(analysed, text_col: str):
    """The analysed frame without its raw text columns (``text_masked`` stays)."""
    return analysed.drop(columns=[c for c in _raw_text_columns(text_col) if c in analysed.columns])


def _print_table(analysed) -> None:
    cols = [c for c in ("id", "primary", "topics", "intent", "sentiment", "risks", "values", "text_masked")
            if c in analysed.columns]
    view = analysed[cols].copy()
    if "text_masked" in view:
        view["text_masked"] = view["text_masked"].str.slice(0, 40)
    import pandas as pd

    with pd.option_context("display.max_rows", 50, "display.width", 200, "display.max_colwidth", 60,
                           "display.unicode.east_asian_width", True):
        print(view.to_string(index=False, max_rows=50))
    print(f"\n{len(analysed)} texts; primary topics: "
          + ", ".join(f"{k} {v}" for k, v in analysed["primary"].value_counts().head(8).items()))


@command("train", "train a model from labelled JSONL (labels.yaml codes)")
def _train_args(p: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    p.add_argument("labelled", help="labelled JSONL: id, text, topics, primary, intent, sentiment, risks, values")
    p.add_argument("--out", "-o", required=True, help="model folder to write")
    p.add_argument("--profile", default=None)
    p.add_argument("--embedder", default="auto")

    def run(args: argparse.Namespace) -> int:
        from mvvtext.classify import train
        from mvvtext.classify._data import read_labelled

        labelled = read_labelled(args.labelled)  # refused here, before any fitting, when a row is bad
        if not args.quiet:
            print(f"training on {len(labelled)} labelled texts plus the default examples "
                  "(a few minutes on 2 cores)...", file=sys.stderr, flush=True)
        model = train(labelled, profile=args.profile, embedder=args.embedder)
        model.save(args.out)
        print(f"trained on {args.labelled}; model saved to {args.out}")
        print(f"labelled rows weighted {model.labelled_weight_:.3g} against the default examples")
        for field, found in model.supervised_.labelled_weights_.items():
            scores = ", ".join(f"{w}: {f1:.3f}" for w, f1 in found["scores"].items())
            print(f"{field}: labelled-row weight chosen by cross-validation: {found['chosen']} (macro-F1 {scores})")
        return EXIT_OK

    return run


@command("evaluate", "score a model against labelled JSONL: per-label precision/recall/F1, confusion matrix")
def _evaluate_args(p: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    p.add_argument("labelled")
    p.add_argument("--model", default=None, help="model folder (default: the no-label default)")
    p.add_argument("--profile", default=None)

    def run(args: argparse.Namespace) -> int:
        from mvvtext.classify import evaluate, format_evaluation

        print(format_evaluation(evaluate(args.labelled, model=args.model, profile=args.profile)))
        return EXIT_OK

    return run


@command("tag-export", "write a tagging sheet (.xlsx/.csv) or Label Studio tasks (.json) pre-filled with guesses")
def _tag_export_args(p: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    _input_columns(p)
    p.add_argument("--out", "-o", required=True, help=".xlsx or .csv sheet, or .json Label Studio tasks")
    p.add_argument("--sample", type=int, default=None, help="tag a sample of N texts (see --strategy)")
    p.add_argument("--strategy", default="random", choices=("random", "stratified", "uncertain"),  # = STRATEGIES
                   help="which texts the sample holds: random (default; also fit for `mvvtext evaluate`), "
                        "stratified (one predicted topic after another) or uncertain (the least sure texts, "
                        "spread over the topics)")
    p.add_argument("--profile", default=None)
    p.add_argument("--model", default=None)

    def run(args: argparse.Namespace) -> int:
        from pathlib import Path

        from mvvtext import tagging
        from mvvtext.classify import analyze, load_profile

        if Path(args.out).suffix.lower() not in (".xlsx", ".csv", ".json"):  # before the analysis
            raise InputError(f"{args.out}: a tagging sheet is .xlsx or .csv, Label Studio tasks are .json; "
                             f"got '{Path(args.out).suffix or '(no extension)'}'.", path=args.out)
        if args.sample is not None and args.sample < 1:
            raise InputError(f"--sample must be a number of texts >= 1 (got {args.sample}); "
                             "leave it out to export every text.")
        voices = _read(args)
        analysed = analyze(voices, profile=args.profile, model=args.model, verbose=_verbose(args))
        if args.sample:  # every text is analysed, so that the sample can be the least sure ones
            analysed = tagging.select_for_tagging(analysed, args.sample, args.strategy)
            for note in analysed.attrs.get("notes", []):
                print(f"note: {note}")
        if Path(args.out).suffix.lower() == ".json":
            tagging.export_label_studio(analysed, args.out)
            config = Path(args.out).with_suffix(".config.xml")
            config.write_text(tagging.label_studio_config(load_profile(args.profile)), encoding="utf-8")
            print(f"wrote {len(analysed)} Label Studio tasks to {args.out} and the labelling config to {config}")
        else:
            tagging.export_sheet(analysed, args.out, profile=args.profile)
            codes = " (codes and their Japanese names: sheet コード表)" if Path(args.out).suffix.lower() == ".xlsx" else ""
            print(f"wrote a tagging sheet of {len(analysed)} texts to {args.out}; check and correct the label "
                  f"columns{codes}, mark each row you have checked in the 'reviewed' column (1, x, ○ or 済; only "
                  f"marked rows are imported), then run: mvvtext tag-import {args.out} --out labelled.jsonl")
        return EXIT_OK

    return run


@command("tag-import", "validate a corrected tagging sheet or Label Studio export into labelled JSONL")
def _tag_import_args(p: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    p.add_argument("tagged", help="corrected .xlsx/.csv sheet or Label Studio JSON export")
    p.add_argument("--out", "-o", required=True, help="labelled .jsonl for `mvvtext train`")
    p.add_argument("--profile", default=None)
    p.add_argument("--all-rows", action="store_true",
                   help="import every row of a sheet, also those not marked in its 'reviewed' column "
                        "(default: only the marked rows, when the sheet has that column)")

    def run(args: argparse.Namespace) -> int:
        from pathlib import Path

        from mvvtext import tagging

        tagging.check_labelled_output(args.out)  # a bad --out fails now, not after the whole validation
        # The importers log their notes (blank rows skipped) and return them in attrs; this command prints
        # them in its summary, so it holds back those log records and passes on only the others.
        log = logging.getLogger("mvvtext.tagging")
        held: list[logging.LogRecord] = []

        def hold(record: logging.LogRecord) -> bool:
            held.append(record)
            return False

        printed: list[str] = []
        log.addFilter(hold)
        try:
            if Path(args.tagged).suffix.lower() == ".json":
                labelled = tagging.import_label_studio(args.tagged, profile=args.profile)
            else:
                labelled = tagging.import_sheet(args.tagged, profile=args.profile,
                                                reviewed_only=False if args.all_rows else None)
            tagging.write_labelled_jsonl(labelled, args.out)
            untagged = labelled.attrs.get("untagged_tasks", 0)
            notes = [f"{untagged} task{'s' if untagged > 1 else ''} not yet tagged "
                     f"{'were' if untagged > 1 else 'was'} left out"] if untagged else []
            notes += labelled.attrs.get("notes", [])
            print(f"wrote {len(labelled)} labelled texts to {args.out}" + (f" ({'; '.join(notes)})" if notes else ""))
            printed = notes
        finally:
            log.removeFilter(hold)
            for record in held:
                if not any(note in record.getMessage() for note in printed):
                    log.handle(record)
        return EXIT_OK

    return run


@command("rank", "analyse and rank issues by priority (volume, negativity, risk, trend, breadth, outcome)")
def _rank_args(p: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    _input_columns(p)
    p.add_argument("--person-col", default=None, help="person column (distinct voices, outcome link)")
    p.add_argument("--outcome-col", default=None, help="0/1 outcome per person, e.g. left_early")
    p.add_argument("--period", default="W", help="trend period: W (weeks) or M (months)")
    p.add_argument("--out", "-o", default="ranking.csv", help="ranking table .csv/.xlsx/.jsonl/.parquet")
    p.add_argument("--html", default=None, help="also write the HTML report here")
    p.add_argument("--xlsx", default=None, help="also write the Excel workbook here")
    p.add_argument("--analyzed-out", default=None, help="also write the per-text analysis here")
    p.add_argument("--masked-only", action="store_true",
                   help="leave the raw text column out of --analyzed-out (text_masked is kept)")
    p.add_argument("--min-people", type=int, default=5, help="suppress figures of groups smaller than this")
    p.add_argument("--min-people-quotes", type=int, default=10, help="suppress quotes of groups smaller than this")
    p.add_argument("--language", choices=("ja", "en"), default="ja", help="language of the explanation column")
    p.add_argument("--profile", default=None)
    p.add_argument("--model", default=None)
    p.add_argument("--n-jobs", type=int, default=None, help="worker processes for classifying (-1: all cores)")

    def run(args: argparse.Namespace) -> int:
        from mvvtext.rank import run_rank_command

        if args.masked_only and not args.analyzed_out:
            raise InputError("--masked-only applies to the per-text file written with --analyzed-out "
                             "(the ranking and the reports hold masked quotes only); name one with --analyzed-out.")
        ranking = run_rank_command(
            args.input, text_col=args.text_col, time_col=args.time_col, person_col=args.person_col,
            segment_cols=args.segment_col, outcome_col=args.outcome_col, id_col=args.id_col,
            channel_col=args.channel_col, period=args.period, dayfirst=_dayfirst(args),
            out=args.out, html=args.html, xlsx=args.xlsx, analyzed_out=args.analyzed_out,
            analyzed_columns_dropped=_raw_text_columns(args.text_col) if args.masked_only else (),
            min_people_figures=args.min_people, min_people_quotes=args.min_people_quotes, language=args.language,
            analyze_kwargs={"profile": args.profile, "model": args.model, "verbose": _verbose(args),
                            "n_jobs": args.n_jobs})
        cols = [c for c in ("rank", "topic", "priority", "texts", "people", "negative_share", "risk_texts",
                            "emerging", "outcome_lift") if c in ranking.columns]
        print(ranking[cols].head(10).to_string(index=False))
        print(f"\nranking of {len(ranking)} topics written to {args.out}")
        timings = ranking.attrs.get("timings", {})
        if timings:
            print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
        return EXIT_OK

    return run


@command("demo", "run the whole pipeline on the shipped demo inquiry-desk log and write the report")
def _demo_args(p: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    p.add_argument("--out", "-o", default="mvvtext-demo", help="output folder (default: mvvtext-demo)")
    p.add_argument("--n-jobs", type=int, default=None, help="worker processes for classifying (-1: all cores)")

    def run(args: argparse.Namespace) -> int:
        from mvvtext.demo import run_demo

        run_demo(args.out, verbose=True, n_jobs=args.n_jobs)
        return EXIT_OK

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mvvtext",
        description="Turn employees' free text (surveys, inquiry-desk logs, internal posts) into ranked, "
                    "evidenced issues.",
    )
    parser.add_argument("--version", action="version", version=f"mvvtext {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, add_args) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_run=add_args(p))
    from mvvtext.store._cli import add_store_commands  # score, report, rescore (light imports)

    add_store_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mvvtext`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.DEBUG if args.debug else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # stderr keeps its level when --log-file lowers mvvtext's
        if type(handler) is logging.StreamHandler:
            handler.setLevel(level)
    runner = getattr(args, "_run", None) or getattr(args, "func", None)
    if runner is None:
        parser.print_help()
        return EXIT_INPUT
    try:
        return int(runner(args) or 0)
    except KeyboardInterrupt:
        print("mvvtext: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - the CLI turns every error into one line
        if args.debug:
            raise
        code = exit_code(e)
        kind = "error" if isinstance(e, MvvtextError) else f"unexpected error ({type(e).__name__})"
        print(f"mvvtext {args.command}: {kind}: {e}", file=sys.stderr)
        if code == EXIT_ERROR:
            print("Run again with --debug for the traceback.", file=sys.stderr)
        return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

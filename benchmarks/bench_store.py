"""Benchmark the history store at scale.

Phases, each in its own process so that its peak memory (max RSS) is its own:

1. ``prefill``  – bulk-insert N_PREFILL synthetic scored rows spread over 2 years of
   weeks (DuckDB from Arrow tables, not row by row);
2. ``score``    – score N_NEW new texts into that store with ``score_into_store``;
3. ``rerun``    – the same N_NEW texts again (all already scored: hashing + one join);
4. ``report``   – the weekly HTML report and alerts over the 2 years of weeks, then xlsx.

The scorer is a fast vectorised keyword scorer, so the figures measure the store
(reading, hashing, the incremental join, masking, inserting, the transaction), not
a classifier. Run::

    PYTHONPATH=src python benchmarks/bench_store.py [--prefill 1000000] [--new 100000] [--dir DIR]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

TOPICS = ["pay", "evaluation", "workload", "work_style", "management", "relations", "career", "benefits",
          "procedures", "environment", "health", "other"]
KEYWORDS = {"給与": "pay", "評価": "evaluation", "残業": "workload", "有給": "work_style", "上司": "management",
            "同僚": "relations", "研修": "career", "社宅": "benefits", "申請": "procedures", "パソコン": "environment",
            "体調": "health"}
PHRASES = ["給与の振込日を教えてください", "残業が続いて困っています", "有給の申請方法が分かりません",
           "上司に相談しにくいです", "評価の基準が知りたい", "研修の案内はいつ届きますか", "社宅の更新について",
           "パソコンが遅くて困っています", "同僚との関係に悩んでいます", "体調が優れず眠れない日があります"]
SITES = ["東京", "大阪", "名古屋", "福岡", "札幌", "仙台", "広島"]
WEEKS = 104
START = pd.Timestamp("2024-11-25")  # a Monday; 104 weeks end on 2026-11-22


def fast_scorer(voices: pd.DataFrame) -> pd.DataFrame:
    """Vectorised keyword scorer with the analysed-frame columns (measures the store, not a model)."""
    out = voices.copy()
    text = voices["text"].astype(str)
    hits = pd.DataFrame({code: np.zeros(len(text), bool) for code in TOPICS}, index=voices.index)
    for word, code in KEYWORDS.items():
        hits[code] |= text.str.contains(word, regex=False).to_numpy()
    hits["other"] = ~hits.drop(columns="other").any(axis=1)
    codes = np.array(TOPICS)
    matrix = hits[TOPICS].to_numpy()
    out["text_masked"] = text
    out["topics"] = [codes[row].tolist() for row in matrix]
    out["primary"] = [t[0] for t in out["topics"]]
    out["intent"] = np.where(text.str.contains("?", regex=False), "question", "complaint")
    out["sentiment"] = np.where(text.str.contains("困", regex=False), -1.0, 0.0)
    risky = text.str.contains("眠れない", regex=False).to_numpy()
    out["risks"] = [["health"] if r else [] for r in risky]
    out["values"] = [[] for _ in range(len(out))]
    for code in TOPICS:
        out[f"score_topic_{code}"] = hits[code].astype(float).to_numpy()
    out["evidence"] = "keywords"
    return out


fast_scorer.model_version = "bench-keywords-1"  # type: ignore[attr-defined]


def _list_array(values: list[list[str]]):
    import pyarrow as pa

    return pa.array(values, pa.list_(pa.string()))


def prefill(store_path: Path, n: int, seed: int = 0) -> None:
    """Bulk-insert ``n`` scored rows over WEEKS weeks from Arrow tables, in chunks."""
    import pyarrow as pa

    from mvvtext.store import Store

    rng = np.random.default_rng(seed)
    store = Store(store_path)
    chunk = 250_000
    with store.connect(write=True) as con:
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            idx = np.arange(start, start + m)
            phrase = rng.integers(0, len(PHRASES), m)
            texts = [f"{PHRASES[p]}(#{i})" for p, i in zip(phrase, idx)]
            ts = START + pd.to_timedelta(rng.integers(0, WEEKS * 7 * 24 * 60, m), unit="min")
            ids = [f"P{i:08d}" for i in idx]
            hashes = [rng.bytes(16).hex() for _ in range(m)]
            topic = [[TOPICS[min(p, len(TOPICS) - 2)]] for p in phrase]
            seg = [json.dumps({"site": SITES[s]}, ensure_ascii=False) for s in rng.integers(0, len(SITES), m)]
            now = pd.Timestamp.now().floor("s")
            voices = pa.table({
                "id": ids, "content_hash": hashes, "revision": pa.array(np.ones(m, np.int32)),
                "text_masked": texts, "text_missing": pa.array(np.zeros(m, bool)), "channel": ["inquiry"] * m,
                "timestamp": pa.array(ts.to_numpy().astype("datetime64[us]")), "segments": seg,
                "run_id": ["prefill"] * m, "scored_at": pa.array(np.full(m, now.to_datetime64()).astype("datetime64[us]")),
            })
            preds = pa.table({
                "id": ids, "content_hash": hashes, "model_version": ["bench-keywords-1"] * m,
                "profile_hash": ["default"] * m, "topics": _list_array(topic), "primary": [t[0] for t in topic],
                "intent": ["complaint"] * m, "sentiment": pa.array(np.where(phrase % 3 == 0, -1.0, 0.0)),
                "risks": _list_array([["health"] if p == 9 else [] for p in phrase]),
                "values": _list_array([[] for _ in range(m)]),
                "scores": ['{"score_topic_%s": 1.0}' % t[0] for t in topic], "evidence": ["prefill"] * m,
                "run_id": ["prefill"] * m, "scored_at": voices["scored_at"],
                "is_current": pa.array(np.ones(m, bool)),
            })
            con.register("pv", voices)
            con.register("pp", preds)
            con.execute("BEGIN TRANSACTION")
            con.execute("INSERT INTO voices SELECT * FROM pv")
            con.execute("INSERT INTO predictions SELECT * FROM pp")
            con.execute("COMMIT")
            con.unregister("pv")
            con.unregister("pp")
        con.execute("INSERT INTO runs (run_id, kind, started_at, finished_at, status, n_input, n_new) "
                    "VALUES ('prefill', 'prefill', now(), now(), 'ok', ?, ?)", [n, n])
        con.execute("CHECKPOINT")


def make_export(path: Path, n: int, seed: int = 1) -> None:
    """A CSV export of ``n`` new inquiries in the last week of the 2 years."""
    rng = np.random.default_rng(seed)
    last_week = START + pd.Timedelta(weeks=WEEKS - 1)
    df = pd.DataFrame({
        "id": [f"N{i:08d}" for i in range(n)],
        "text": [f"{PHRASES[p]}。連絡先 090-1234-5678(#{i})" for i, p in enumerate(rng.integers(0, len(PHRASES), n))],
        "timestamp": (last_week + pd.to_timedelta(rng.integers(0, 7 * 24 * 60, n), unit="min")).strftime("%Y-%m-%d %H:%M"),
        "site": [SITES[s] for s in rng.integers(0, len(SITES), n)],
    })
    df.to_csv(path, index=False)


def phase(name: str, workdir: Path, n_prefill: int, n_new: int) -> dict:
    from mvvtext.store import Store, score_into_store, weekly_report

    store_path, export = workdir / "bench.duckdb", workdir / "export.csv"
    t0 = time.perf_counter()
    result: dict = {"phase": name}
    if name == "prefill":
        prefill(store_path, n_prefill)
        make_export(export, n_new)
    elif name in ("score", "rerun"):
        s = score_into_store(export, store_path, scorer=fast_scorer, segments=["site"], batch_size=10_000,
                             verbose=False)
        result.update(n_new=s.n_new, n_skipped=s.n_skipped, run_seconds=round(s.seconds, 2))
    elif name == "report":
        weekly_report(store_path, out=workdir / "report.html", alerts_path=workdir / "alerts.json")
        result["html_s"] = round(time.perf_counter() - t0, 2)
        weekly_report(store_path, out=workdir / "report.xlsx", format="xlsx")
        result["weeks"] = len(Store(store_path).periods())
    result["seconds"] = round(time.perf_counter() - t0, 2)
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if name != "report":
        result["store_rows"] = Store(store_path).counts()
    result["store_mib"] = round(store_path.stat().st_size / 2**20, 1)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--prefill", type=int, default=1_000_000)
    ap.add_argument("--new", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.dir, args.prefill, args.new), ensure_ascii=False))
        return
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="mvvtext-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"# bench_store: prefill {args.prefill:,} rows, score {args.new:,} new texts; dir {workdir}")
    for name in ("prefill", "score", "rerun", "report"):
        cmd = [sys.executable, __file__, "--phase", name, "--dir", str(workdir), "--prefill", str(args.prefill),
               "--new", str(args.new)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()

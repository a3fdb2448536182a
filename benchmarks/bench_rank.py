"""Benchmark the ranking (and, when the classifier is there, analyse + rank end to end).

Usage::

    PYTHONPATH=src python benchmarks/bench_rank.py                 # 1,000,000 rows, 104 weeks
    PYTHONPATH=src python benchmarks/bench_rank.py --rows 250000 500000 1000000
    PYTHONPATH=src python benchmarks/bench_rank.py --e2e 100000    # + analyse/rank on resampled demo texts

Prints wall time and peak memory (tracemalloc peak of Python/NumPy allocations
during the call, and the process's max RSS) for each size.
"""
from __future__ import annotations

import argparse
import gc
import platform
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

TOPICS = ["pay", "evaluation", "workload", "work_style", "management", "relations", "cross_dept",
          "harassment", "client_site", "career", "benefits", "procedures", "communication", "health",
          "environment", "other"]
P = np.array([17, 14, 8, 6, 5, 3, 2, 1, 8, 8, 8, 11, 2, 3, 4, 0.5])
P = P / P.sum()
RISKS = ["resignation", "harassment", "health", "legal"]


def synthetic(n: int, weeks: int = 104, seed: int = 0) -> pd.DataFrame:
    """An analysed frame of ``n`` rows (no classifier): 1–3 topics a row, 104 weeks."""
    rng = np.random.default_rng(seed)
    k = rng.choice([1, 2, 3], n, p=[0.7, 0.25, 0.05])
    first = rng.choice(len(TOPICS), n, p=P)
    second = rng.choice(len(TOPICS), n, p=P)
    third = rng.choice(len(TOPICS), n, p=P)
    names = np.array(TOPICS, dtype=object)
    topics = [[names[a]] if c == 1 else [names[a], names[b]] if c == 2 else [names[a], names[b], names[d]]
              for a, b, d, c in zip(first, second, third, k)]
    n_people = max(n // 5, 10)
    person = rng.integers(0, n_people, n)
    risk_draw = rng.random(n)
    risks = [[] if r > 0.05 else [RISKS[int(r * 80) % 4]] for r in risk_draw]
    left = rng.random(n_people) < 0.1
    return pd.DataFrame({
        "person_id": pd.array([f"E{x:07d}" for x in person], dtype="string"),
        "site": np.array(["東京", "横浜", "厚木", "名古屋", "大阪", "広島", "福岡", "仙台"])[person % 8],
        "department": np.array(["機械", "電気", "組込", "IT", "品証", "生技"])[person % 6],
        "tenure_band": np.array(["<1", "1-3", "3-5", "5-10", "10+"])[person % 5],
        "timestamp": pd.Timestamp("2025-01-06") + pd.to_timedelta(rng.integers(0, weeks * 7 * 86400, n), unit="s"),
        "topics": topics, "primary": [t[0] for t in topics],
        "intent": rng.choice(["complaint", "request", "question", "report", "praise"], n),
        "sentiment": rng.integers(-2, 3, n).astype(float), "risks": risks,
        "text_masked": [f"{t[0]}の件で〈氏名〉さんに相談しました。番号{i % 9973}の内容です。" for i, t in enumerate(topics)],
        "left_early": left[person].astype(int),
    })


def measure(fn, *args, **kwargs):
    """(result, wall seconds, peak traced bytes); the time comes from an untraced run."""
    gc.collect()
    t0 = time.perf_counter()
    fn(*args, **kwargs)
    dt = time.perf_counter() - t0
    gc.collect()
    tracemalloc.start()
    out = fn(*args, **kwargs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, dt, peak


def bench_rank(sizes: list[int]) -> None:
    from mvvtext.rank import rank_issues

    rank_issues(synthetic(2000), with_quotes=True)  # warm imports (scipy, sklearn)
    print(f"{'rows':>10} {'build s':>8} {'rank s':>8} {'rank(no quotes) s':>18} {'peak MiB':>9} {'maxRSS MiB':>10}"
          f" {'frame MiB':>9}")
    for n in sizes:
        t0 = time.perf_counter()
        df = synthetic(n)
        build = time.perf_counter() - t0
        frame_mib = df.memory_usage(deep=False).sum() / 2**20
        gc.collect()
        t0 = time.perf_counter()
        rank_issues(df, segments=["site", "department", "tenure_band"], with_quotes=False)
        dt_nq = time.perf_counter() - t0
        r, dt, peak = measure(rank_issues, df, segments=["site", "department", "tenure_band"])
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{n:>10,} {build:>8.1f} {dt:>8.2f} {dt_nq:>18.2f} {peak / 2**20:>9.0f} {rss:>10.0f}"
              f" {frame_mib:>9.0f}", flush=True)
        del df, r


def bench_e2e(n: int) -> None:
    try:
        from mvvtext.classify import analyze
    except ImportError:
        print("mvvtext.classify.analyze not available: end-to-end benchmark skipped")
        return
    from mvvtext.demo import load_demo
    from mvvtext.io import read_voices
    from mvvtext.rank import rank_issues
    from mvvtext.text import mask_personal_data

    demo = load_demo()
    raw = demo.sample(n, replace=True, random_state=0).reset_index(drop=True)
    raw["inquiry_id"] = [f"B{i:07d}" for i in range(n)]
    stages = {}
    t0 = time.perf_counter()
    voices = read_voices(raw, text="text", id="inquiry_id", timestamp="received_at",
                         segments=["site", "department", "tenure_band"])
    stages["read"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    [mask_personal_data(t) for t in voices["text"]]
    stages["mask (alone; analyse masks again inside)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyzed = analyze(voices, text="text", verbose=False)
    stages["analyse (incl. its masking)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rank_issues(analyzed, time="timestamp", segments=["site", "department", "tenure_band"])
    stages["rank"] = time.perf_counter() - t0
    print(f"end to end on {n:,} resampled demo texts:")
    for k, v in stages.items():
        print(f"  {k:<45} {v:8.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="*", default=[1_000_000])
    ap.add_argument("--e2e", type=int, default=0, help="texts for the analyse+rank benchmark (0 = skip)")
    args = ap.parse_args()
    print(f"{time.strftime('%Y-%m-%d')} python {platform.python_version()} pandas {pd.__version__} "
          f"numpy {np.__version__} on {platform.machine()} ({__import__('os').cpu_count()} CPUs)")
    if args.rows:
        bench_rank(args.rows)
    if args.e2e:
        bench_e2e(args.e2e)


if __name__ == "__main__":
    main()

"""Throughput of mvvtext.analyze on the shipped self-authored texts.

    PYTHONPATH=src python benchmarks/bench_analyze_speed.py [--n 2000] [--rounds 3]

Measures texts/s of ``analyze`` (1) without embeddings (``embedder=None``),
(2) with the USE backend in one process and (3) with ``n_jobs=2`` worker
processes, next to USE's own ``encode`` throughput (2 BLAS threads, its
setting in mvvtext) on the same kind of texts in the same run. Every text is
made unique (a running tag is appended) so no cache is hit. The runs are
interleaved for ``--rounds`` rounds and the best time of each is kept, so a
load spike on the shared machine hits one round of each rather than one run.
The default models are fitted (or loaded from the user cache), and every
run's texts built, before timing (until 2026-12-04 the texts were built inside
the timed call, which read the shipped training files each time).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")


def texts(n: int, tag: str) -> list[str]:
    from mvvtext.classify._data import shipped_training

    base = [t for t in shipped_training()["text"] if isinstance(t, str)]
    return [f"{base[i % len(base)]}（{tag}{i}）" for i in range(n)]


def frames(n: int, rounds: int, kinds: int) -> dict[str, list[str]]:
    """The unique texts of every timed run, built before any timing (reading the shipped files is not analysis)."""
    base = texts(n, "")
    return {f"r{r}k{k}-": [f"{t[:-1]}r{r}k{k}-{i}）" for i, t in enumerate(base)]
            for r in range(rounds) for k in range(kinds)}


def main(argv=None) -> int:
    import pandas as pd

    from mvvtext.classify import analyze, default_model
    from mvvtext.embed import UseEmbedder

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    n = args.n

    plain = default_model(embedder=None)
    use_model = default_model(embedder="use")
    use = UseEmbedder()
    use.encode(["warm up"])
    runs = {
        "analyze without embeddings": lambda batch: analyze(pd.DataFrame({"text": batch}), model=plain,
                                                            verbose=False),
        "USE encode alone": lambda batch: use.encode(batch),
        "analyze with USE, 1 process": lambda batch: analyze(pd.DataFrame({"text": batch}), model=use_model,
                                                             verbose=False),
        "analyze with USE, n_jobs=2": lambda batch: analyze(pd.DataFrame({"text": batch}), model=use_model,
                                                            verbose=False, n_jobs=2),
    }
    batches = frames(n, args.rounds, len(runs))
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  cpus: {os.cpu_count()}  n: {n}  "
          f"load average at start: {os.getloadavg()}", flush=True)
    best = {name: float("inf") for name in runs}
    for r in range(args.rounds):
        for k, (name, fn) in enumerate(runs.items()):
            batch = batches[f"r{r}k{k}-"]
            t = time.perf_counter()
            fn(batch)
            best[name] = min(best[name], time.perf_counter() - t)
        print(f"round {r + 1}/{args.rounds} done, load average {os.getloadavg()}", flush=True)
    encode = n / best["USE encode alone"]
    for name, dt in best.items():
        rate = n / dt
        extra = f"  {rate / encode:.2f}x of USE encode" if "with USE" in name else ""
        print(f"{name:32s} {rate:8,.0f} texts/s{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where ``analyze`` spends its time per text, stage by stage, next to USE's own encode.

    HF_HUB_OFFLINE=1 PYTHONPATH=src python benchmarks/bench_analyze_stages.py [--n 2048] [--rounds 3]

One process, one BLAS thread (a worker's setting under ``n_jobs=2``). Each
round uses new unique texts (a running tag is appended), and each stage's best
round is printed in ms a text, with scikit-learn's own character TF-IDF as the
anchor of the array version and the share of a whole ``_predict_batch`` that is
not USE's encode. Figures vary by ±10-20% on a shared machine: compare the
stages of one run with each other, not with another run.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
sys.path.insert(0, os.path.dirname(__file__))


def main(argv=None) -> int:
    from threadpoolctl import threadpool_limits

    from bench_analyze_speed import texts
    from mvvtext.classify import default_model
    from mvvtext.classify._data import prepare_texts
    from mvvtext.classify._features import tfidf_transform

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2048)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    n = args.n
    model = default_model(embedder="use")
    backend = model._backend()
    backend.limit_threads(1)
    threadpool_limits(1)
    features = model.supervised_.features_
    model._predict_batch(texts(64, "warm-"))
    best: dict[str, float] = {}

    def timed(name, fn):
        start = time.perf_counter()
        out = fn()
        best[name] = min(best.get(name, float("inf")), (time.perf_counter() - start) / n * 1e3)
        return out

    for r in range(args.rounds):
        raw = texts(n, f"s{r}-")
        prepared = timed("normalise + mask + Sudachi analysis", lambda: prepare_texts(raw))
        emb = timed("USE encode (1 thread)", lambda: backend.embedder.encode(prepared))
        timed("word TF-IDF (Sudachi words)", lambda: features.word_.transform(prepared))
        timed("char TF-IDF, scikit-learn (anchor)", lambda: features.char_.transform(prepared))
        timed("char TF-IDF, arrays (used)", lambda: tfidf_transform(features.char_, prepared))
        timed("codebook rules (3 fields)", lambda: [rule.hit_counts(prepared) for rule in features.rules])
        timed("risk patterns", lambda: [model.risk_patterns_.match(t) for t in prepared])
        timed("sentiment lexicon", lambda: [model.lexicon_._score(t) for t in prepared])
        batches = range(0, n, 512)
        other = prepare_texts(texts(n, f"o{r}-"))  # masked and analysed, not yet scored (no rule / lexicon memo)
        other_emb = backend.embedder.encode(other)
        timed("scores + decisions (after masking, analysis, encode)",
              lambda: [model._scores(other[s:s + 512], other_emb[s:s + 512]) for s in batches])
        fresh = texts(n, f"w{r}-")
        timed("whole _predict_batch", lambda: [model._predict_batch(fresh[s:s + 512]) for s in batches])
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  n: {n}  rounds: {args.rounds}")
    for name, ms in best.items():
        print(f"{name:54s} {ms:.4f} ms a text")
    encode, whole = best["USE encode (1 thread)"], best["whole _predict_batch"]
    print(f"not USE encode: {whole - encode:.3f} ms a text ({(whole - encode) / whole:.0%} of the whole); "
          f"arrays vs scikit-learn char TF-IDF: "
          f"{best['char TF-IDF, scikit-learn (anchor)'] / best['char TF-IDF, arrays (used)']:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Throughput of mvvtext.analyze on the shipped self-authored texts.

    PYTHONPATH=src python benchmarks/bench_analyze_speed.py [--n 2000]

Measures texts/s of ``analyze`` (1) without embeddings (``embedder=None``) and
(2) with the USE backend, next to USE's own ``encode`` throughput on the same
texts in the same run. Every text is made unique (a running number is
appended) so no cache is hit. Run with two cores, e.g. ``taskset -c 0,1``.
The default models are fitted (or loaded from the user cache) before timing.
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


def main(argv=None) -> int:
    import pandas as pd

    from mvvtext.classify import analyze, default_model
    from mvvtext.embed import UseEmbedder

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=2000)
    args = p.parse_args(argv)

    plain = default_model(embedder=None)
    frame = pd.DataFrame({"text": texts(args.n, "a")})
    t = time.perf_counter()
    analyze(frame, model=plain, verbose=False)
    no_emb = args.n / (time.perf_counter() - t)
    print(f"analyze without embeddings: {no_emb:,.0f} texts/s ({args.n} texts)", flush=True)

    use_model = default_model(embedder="use")
    use = UseEmbedder()
    use.encode(["warm up"])
    enc_texts = texts(args.n, "b")
    t = time.perf_counter()
    use.encode(enc_texts)
    encode_rate = args.n / (time.perf_counter() - t)
    frame = pd.DataFrame({"text": texts(args.n, "c")})
    t = time.perf_counter()
    analyze(frame, model=use_model, verbose=False)
    use_rate = args.n / (time.perf_counter() - t)
    print(f"USE encode alone: {encode_rate:,.0f} texts/s; analyze with USE: {use_rate:,.0f} texts/s "
          f"({use_rate / encode_rate:.2f}x of encode)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

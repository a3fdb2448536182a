"""Which texts to tag first: the gain of a tagged sample chosen by each strategy.

    HF_HUB_OFFLINE=1 PYTHONPATH=src python benchmarks/bench_tagging_sample.py [LABELLED.jsonl]
        [--n 50] [--splits 2] [--embedder auto] [--out DIR]

A researcher tags ``--n`` texts of a pool, the model is trained on them (plus the
default examples) and measured on texts nobody tagged. Each split halves the
labelled file at random into a pool and a test half; the pool is analysed by the
no-label default model, and ``mvvtext.tagging.select_for_tagging`` picks the
texts to "tag" (their labels are read from the file) by each strategy
(random, stratified, uncertain). The anchor is the no-label model on the same
test half. Figures come from the shared scorer; the labelled file is used for
measurement only.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_quality import FIELDS, SHARED, SHOW, score  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("labelled", nargs="?", default=str(SHARED / "data" / "dev" / "voices.jsonl"))
    p.add_argument("--n", type=int, default=50, help="texts tagged per strategy")
    p.add_argument("--splits", type=int, default=2)
    p.add_argument("--embedder", default="auto")
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from mvvtext.classify import VoiceClassifier
    from mvvtext.tagging import STRATEGIES, select_for_tagging

    data = pd.read_json(args.labelled, lines=True)
    out = Path(args.out or tempfile.mkdtemp(prefix="mvvtext-bench-tag-"))
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    default = VoiceClassifier(embedder=args.embedder).fit()
    print(f"default model fitted in {time.perf_counter() - t0:.0f} s", flush=True)
    rows = []
    for split in range(args.splits):
        order = np.random.default_rng(split).permutation(len(data))
        pool, test = data.iloc[order[: len(data) // 2]], data.iloc[order[len(data) // 2:]]
        gold = out / f"test_{split}.jsonl"
        test.to_json(gold, orient="records", lines=True, force_ascii=False)
        pred = default.predict(test, verbose=False).assign(id=test["id"].to_numpy())
        rows.append({"split": split, "strategy": "no labels", **score(gold, pred, out, f"none_{split}")})
        analysed = pd.concat([pool[["id"]], default.predict(pool, verbose=False)], axis=1)
        for strategy in STRATEGIES:
            t = time.perf_counter()
            chosen = select_for_tagging(analysed, args.n, strategy, random_state=split)
            tagged = pool.loc[chosen.index, ["text", "channel", *FIELDS]]
            vc = VoiceClassifier(embedder=args.embedder).fit(tagged)
            pred = vc.predict(test, verbose=False).assign(id=test["id"].to_numpy())
            res = score(gold, pred, out, f"{strategy}_{split}")
            rows.append({"split": split, "strategy": strategy, **res,
                         "primaries_tagged": tagged["primary"].nunique()})
            print(f"split {split} {strategy:<10} " + json.dumps({k: round(res[k], 3) for k in SHOW})
                  + f" ({tagged['primary'].nunique()} primary topics tagged; {time.perf_counter() - t:.0f} s)",
                  flush=True)
    table = pd.DataFrame(rows)
    mean = table.groupby("strategy", sort=False)[SHOW].mean()
    print(f"\nmean over {args.splits} split(s), {args.n} texts tagged of a pool of {len(data) // 2}, "
          f"tested on the other {len(data) - len(data) // 2}:\n")
    print("| strategy | " + " | ".join(SHOW) + " |\n|---|" + "---|" * len(SHOW))
    for name, r in mean.iterrows():
        print(f"| {name} | " + " | ".join(f"{r[k]:.3f}" for k in SHOW) + " |")
    table.to_csv(out / "results.csv", index=False)
    print(f"\nresults.csv in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

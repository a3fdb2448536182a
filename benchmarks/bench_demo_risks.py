"""Risk flags of the default classifier on the demo inquiry log, against the generator's own truth.

    HF_HUB_OFFLINE=1 PYTHONPATH=src python benchmarks/bench_demo_risks.py [--embedder auto|none]

The demo log (3,600 inquiries built from templates by ``mvvtext.demo``) comes
with the risks its generator meant for each text. That truth follows the
generator's conventions, narrower than the label contract's in places (an
unpaid-allowance complaint is not always ``legal`` there), so this is a
check on how many plain desk questions the risk flags would put on the
weekly report, not a quality figure: it prints recall, precision and the
false flags per code, with the risk patterns alone as the anchor: once with
the channel the demo job gives (inquiry), once without one (guessed from the text).
"""
from __future__ import annotations

import argparse
import collections
import sys


def _tally(truth, flagged) -> tuple[str, dict]:
    tp = fp = fn = 0
    per: collections.Counter = collections.Counter()
    for gold, pred in zip(truth, flagged):
        g, p = set(filter(None, str(gold).split("|"))), set(pred)
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
        per.update(f"false {c}" for c in p - g)
        per.update(f"missed {c}" for c in g - p)
    line = f"recall {tp / max(tp + fn, 1):.3f}  precision {tp / max(tp + fp, 1):.3f}  (tp {tp}, fp {fp}, fn {fn})"
    return line, dict(sorted(per.items()))


def main(argv=None) -> int:
    from mvvtext.classify import default_model, load_profile
    from mvvtext.classify._lexicon import RiskPatterns
    from mvvtext.demo._generate import generate
    from mvvtext.text import normalize

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--embedder", default="auto", help="embedding backend ('none': without embeddings)")
    args = p.parse_args(argv)
    log, truth = generate()
    texts = log["text"].tolist()
    patterns = RiskPatterns(load_profile(None))
    embedder = None if args.embedder == "none" else args.embedder
    model = default_model(None, embedder=embedder)
    runs = {"risk patterns alone": [list(patterns.match(normalize(t))) for t in texts],
            # the demo job passes channel "inquiry"; without it the classifier guesses the channel
            f"classifier ({args.embedder}), inquiry": list(model.predict(log.assign(channel="inquiry"))["risks"]),
            f"classifier ({args.embedder}), no channel": list(model.predict(texts)["risks"])}
    print(f"demo log: {len(texts)} inquiries, {sum(bool(str(r)) for r in truth['risks'])} with a risk in the truth")
    for name, flagged in runs.items():
        line, per = _tally(truth["risks"], flagged)
        print(f"{name:34s} {line}")
        print(f"{'':34s} {per}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What labelled rows add to the intent head: default examples only, labelled rows only, both, and blends.

    HF_HUB_OFFLINE=1 PYTHONPATH=src python benchmarks/bench_intent_sources.py [LABELLED.jsonl]

5-fold cross-validation on the labelled file (the dev set by default; the same
folds as ``bench_quality.py``). In each fold three intent models are trained
(``SupervisedClassifier``, USE embeddings, channel feature): on the default
examples (profile + shipped ``models/training``) only, on the fold's labelled
rows only, and on both (labelled rows weighted as ``VoiceClassifier``'s
``labelled_weight='auto'``), once with that weight fixed and once with the
intent head's search over lighter weights (``fit(labelled=...)``, what
``VoiceClassifier`` does). Each is scored on the held-out fold with intent
macro-F1, and so are probability blends of the first two. The shared scorer
computes the same F1; scikit-learn's is used here because only intent is scored.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev" / "voices.jsonl"


def main(argv=None) -> int:
    from sklearn.metrics import f1_score

    from bench_quality import folds
    from mvvtext.classify import VoiceClassifier, load_profile
    from mvvtext.classify._data import default_examples, prepare_texts
    from mvvtext.classify._supervised import SupervisedClassifier
    from mvvtext.embed import CachedEmbedder, get_embedder

    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else DEV
    dev = pd.read_json(path, lines=True)
    profile = load_profile(None)
    defaults = default_examples(profile, shipped=True)[["text", "channel", "intent"]]
    defaults = defaults[defaults["intent"].notna()]
    backend = CachedEmbedder(get_embedder("use"))
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  file: {path}  rows: {len(dev)}  "
          f"default intent examples: {len(defaults)}", flush=True)

    def fit_predict(frame: pd.DataFrame, weight: np.ndarray | None, test: pd.DataFrame, labelled=None):
        texts = prepare_texts(frame["text"])
        keep = np.array([bool(t) for t in texts])
        texts = [t for t, k in zip(texts, keep) if k]
        model = SupervisedClassifier(embedder=backend, profile=profile)
        model.fit(texts, frame.loc[keep, ["intent"]].reset_index(drop=True), embeddings=backend.encode(texts),
                  sample_weight=None if weight is None else weight[keep], channels=list(frame.loc[keep, "channel"]),
                  labelled=None if labelled is None else labelled[keep])
        chosen.append(model.labelled_weights_.get("intent", {}).get("chosen"))
        tt = prepare_texts(test["text"])
        proba = model.predict_proba(tt, embeddings=backend.encode(tt), channels=list(test["channel"]))["intent"]
        return proba.reindex(columns=sorted(proba.columns), fill_value=0.0)

    truth, probs, chosen = [], {"default only": [], "labelled only": [], "both": [], "both, weight searched": []}, []
    for k, (tr, te) in enumerate(folds(len(dev))):
        labelled, test = dev.iloc[tr][["text", "channel", "intent"]], dev.iloc[te]
        both = pd.concat([defaults, labelled], ignore_index=True)
        weight = np.r_[np.ones(len(defaults)), np.full(len(labelled), np.clip(
            len(defaults) / len(labelled), 1.0, VoiceClassifier.AUTO_WEIGHT_MAX))]
        probs["default only"].append(fit_predict(defaults.reset_index(drop=True), None, test))
        probs["labelled only"].append(fit_predict(labelled.reset_index(drop=True), None, test))
        probs["both"].append(fit_predict(both, weight, test))
        user = np.r_[np.zeros(len(defaults), dtype=bool), np.ones(len(labelled), dtype=bool)]
        probs["both, weight searched"].append(fit_predict(both, weight, test, labelled=user))
        truth.append(test["intent"].to_numpy())
        print(f"fold {k + 1}/5 done ({len(labelled)} labelled rows; searched weight: {chosen[-1]})", flush=True)
    y = np.concatenate(truth)
    frames = {name: pd.concat(parts, ignore_index=True).fillna(0.0) for name, parts in probs.items()}
    codes = sorted(set().union(*(f.columns for f in frames.values())))
    frames = {name: f.reindex(columns=codes, fill_value=0.0) for name, f in frames.items()}

    def score(p: pd.DataFrame) -> float:
        return f1_score(y, np.array(codes)[p.to_numpy().argmax(1)], average="macro")

    for name, p in frames.items():
        print(f"{name:40s} intent macro-F1 {score(p):.3f}")
    for a in (0.7, 0.5, 0.3):
        blend = a * frames["default only"] + (1 - a) * frames["labelled only"]
        print(f"{f'{a} x default + {1 - a:.1f} x labelled':40s} intent macro-F1 {score(blend):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Quality benchmark of mvvtext's classifier on a labelled JSONL file (the dev set by default).

    PYTHONPATH=src python benchmarks/bench_quality.py [LABELLED.jsonl] [--embedder auto|use|e5|tfidf]
                                                     [--only default|cv|baseline] [--out DIR]
                                                     [--labelled-weight auto|FLOAT] [--drop-channel]

1. the no-label default model (profile examples + models/training texts) on the whole file;
2. 5-fold cross-validation: train on 4 folds + the default examples, predict the 5th
   (the fold rows weighted by ``VoiceClassifier(labelled_weight=...)``, 'auto' by default);
3. an anchor: plain char TF-IDF + LogisticRegression / Ridge in the same folds.

Each run writes predictions as JSONL and scores them with the shared scorer
(``../shared/tools/score_predictions.py``). The labelled file is used for
measurement only; nothing here is shipped or cached as a model. ``--drop-channel``
leaves the channel column out (of the predicted texts, and of the CV folds'
training rows), as for a labelled file and texts without one.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIELDS = ["topics", "primary", "intent", "sentiment", "risks", "values"]
SHOW = ["primary_macroF1", "intent_macroF1", "topics_microF1", "topics_macroF1", "values_macroF1",
        "risks_recall", "risks_precision", "sentiment_spearman"]


def score(labelled: Path, pred: pd.DataFrame, out: Path, name: str) -> dict:
    file = out / f"pred_{name}.jsonl"
    with open(file, "w", encoding="utf-8") as f:
        for row in pred[["id", *FIELDS]].to_dict("records"):
            row["sentiment"] = float(row["sentiment"])
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    res = subprocess.run([sys.executable, str(SHARED / "tools" / "score_predictions.py"), str(labelled),
                          str(file), "--json"], capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def run_default(data: pd.DataFrame, embedder: str, drop_channel: bool = False) -> pd.DataFrame:
    from mvvtext.classify import VoiceClassifier

    vc = VoiceClassifier(embedder=embedder).fit()  # fitted afresh: never a cached model
    pred = vc.predict(data.drop(columns="channel") if drop_channel else data, verbose=False)
    pred["id"] = data["id"].to_numpy()
    return pred


def folds(n: int, k: int = 5):
    from sklearn.model_selection import KFold

    return list(KFold(k, shuffle=True, random_state=0).split(np.arange(n)))


def run_cv(data: pd.DataFrame, embedder: str, labelled_weight="auto", drop_channel: bool = False) -> pd.DataFrame:
    from mvvtext.classify import VoiceClassifier

    parts = []
    for train_idx, test_idx in folds(len(data)):
        vc = VoiceClassifier(embedder=embedder, labelled_weight=labelled_weight)
        vc.fit(data.iloc[train_idx][["text", *([] if drop_channel else ["channel"]), *FIELDS]])
        test = data.iloc[test_idx]
        pred = vc.predict(test.drop(columns="channel") if drop_channel else test, verbose=False)
        pred["id"] = data["id"].iloc[test_idx].to_numpy()
        parts.append(pred)
    return pd.concat(parts).loc[data.index]


def run_baseline(data: pd.DataFrame) -> pd.DataFrame:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MultiLabelBinarizer

    import warnings

    cols: dict[str, dict] = {f: {} for f in FIELDS}
    for train_idx, test_idx in folds(len(data)):
        tr, te = data.iloc[train_idx], data.iloc[test_idx]
        vec = lambda: TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)  # noqa: E731
        for field in ("primary", "intent"):
            m = make_pipeline(vec(), LogisticRegression(max_iter=2000)).fit(tr["text"], tr[field])
            cols[field].update(zip(te.index, m.predict(te["text"])))
        for field in ("topics", "values", "risks"):
            mlb = MultiLabelBinarizer().fit(data[field])
            m = make_pipeline(vec(), OneVsRestClassifier(LogisticRegression(max_iter=2000)))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m.fit(tr["text"], mlb.transform(tr[field]))
                pred = m.predict(te["text"])
            cols[field].update(zip(te.index, [list(mlb.classes_[r.astype(bool)]) for r in pred]))
        m = make_pipeline(vec(), Ridge()).fit(tr["text"], tr["sentiment"].astype(float))
        cols["sentiment"].update(zip(te.index, np.clip(m.predict(te["text"]), -2, 2)))
    out = pd.DataFrame({f: pd.Series(v) for f, v in cols.items()}).loc[data.index]
    out.insert(0, "id", data["id"])
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("labelled", nargs="?", default=str(SHARED / "data" / "dev" / "voices.jsonl"))
    p.add_argument("--embedder", default="auto")
    p.add_argument("--only", action="append", choices=["default", "cv", "baseline"])
    p.add_argument("--out", default=None, help="folder for prediction files (default: a temp folder)")
    p.add_argument("--labelled-weight", default="auto",
                   help="VoiceClassifier labelled_weight for the CV run: 'auto' or a number (1: equal weights)")
    p.add_argument("--drop-channel", action="store_true",
                   help="without the channel column (the classifier guesses it from the text): "
                        "in prediction, and in the CV folds' training rows")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    labelled = Path(args.labelled)
    data = pd.read_json(labelled, lines=True)
    out = Path(args.out or tempfile.mkdtemp(prefix="mvvtext-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    weight = args.labelled_weight if args.labelled_weight == "auto" else float(args.labelled_weight)
    runs = {"default": lambda: run_default(data, args.embedder, args.drop_channel),
            "cv": lambda: run_cv(data, args.embedder, weight, args.drop_channel),
            "baseline": lambda: run_baseline(data)}
    results = {}
    for name in args.only or list(runs):
        t = time.perf_counter()
        pred = runs[name]()
        results[name] = score(labelled, pred, out, name)
        results[name]["seconds"] = round(time.perf_counter() - t, 1)
        print(name, json.dumps({k: round(results[name][k], 3) for k in SHOW}), f"({results[name]['seconds']} s)",
              flush=True)
    print(f"\n| metric | {' | '.join(results)} |\n|---|{'---|' * len(results)}")
    for k in SHOW:
        print(f"| {k} | " + " | ".join(f"{results[r][k]:.3f}" for r in results) + " |")
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\npredictions and results.json in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

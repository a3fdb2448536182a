"""Checks on the hand-written training texts in ``models/training/*.jsonl``.

Every line must parse, use only the label codes of the labels contract
(``../shared/spec/labels.yaml``, or the copy below when shared is absent),
name a ``primary`` that is among its ``topics``, and have a unique id and text.
No training text may also appear in the dev evaluation data.

A label field may be ``null``: the text is not labelled for that field and
trains no head of it (``inquiry4`` / ``survey4`` / ``post4`` train topics and
risks only, ``*5`` to ``*8`` the risk head only). Every line labels at least one field,
and ``primary`` and ``topics`` are both given or both null.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TRAINING_DIR = REPO / "models" / "training"
SHARED = Path(__file__).resolve().parents[2] / "shared"
LABELS_YAML = SHARED / "spec" / "labels.yaml"
DEV_VOICES = SHARED / "data" / "dev" / "voices.jsonl"

# Copy of the codes in shared/spec/labels.yaml, used only when shared is absent.
FALLBACK_CODES = {
    "topics": {
        "pay", "evaluation", "workload", "work_style", "management", "relations",
        "cross_dept", "harassment", "client_site", "career", "benefits",
        "procedures", "communication", "health", "environment", "other",
    },
    "intents": {"question", "complaint", "request", "praise", "report"},
    "risks": {"resignation", "harassment", "health", "legal"},
    "values": {"challenge", "integrity", "customer", "teamwork", "learning", "respect"},
    "channels": {"inquiry", "survey", "post"},
}

FIELDS = {"id", "channel", "text", "topics", "primary", "intent",
          "sentiment", "risks", "values"}
LABELS = ("topics", "primary", "intent", "sentiment", "risks", "values")


def _codes() -> dict[str, set[str]]:
    if not LABELS_YAML.exists():
        return FALLBACK_CODES
    import yaml

    spec = yaml.safe_load(LABELS_YAML.read_text(encoding="utf-8"))
    return {key: set(spec[key]) for key in FALLBACK_CODES}


CODES = _codes()
FILES = sorted(TRAINING_DIR.glob("*.jsonl"))


def _rows() -> list[tuple[str, int, dict]]:
    out = []
    for path in FILES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert line.strip(), f"{path.name}:{n} is blank"
            out.append((path.name, n, json.loads(line)))
    return out


@pytest.fixture(scope="module")
def rows() -> list[tuple[str, int, dict]]:
    return _rows()


def test_training_files_exist():
    names = {p.name for p in FILES}
    assert {"inquiry.jsonl", "post.jsonl"} <= names


def test_fallback_codes_match_labels_yaml():
    if not LABELS_YAML.exists():
        pytest.skip("../shared/spec/labels.yaml is absent")
    assert _codes() == FALLBACK_CODES


def test_every_line_has_the_contract_shape(rows):
    for name, n, row in rows:
        where = f"{name}:{n}"
        assert set(row) == FIELDS, where
        assert isinstance(row["id"], str) and row["id"], where
        assert isinstance(row["text"], str) and row["text"].strip(), where
        assert row["channel"] in CODES["channels"], where
        assert row["channel"] == Path(name).stem.rstrip("0123456789"), where
        assert any(row[key] is not None for key in LABELS), where
        assert (row["topics"] is None) == (row["primary"] is None), where
        for key in ("topics", "risks", "values"):
            if row[key] is not None:
                assert isinstance(row[key], list), where
                assert len(row[key]) == len(set(row[key])), where
        if row["sentiment"] is not None:
            assert isinstance(row["sentiment"], int) and not isinstance(row["sentiment"], bool), where
            assert -2 <= row["sentiment"] <= 2, where


def test_codes_are_valid(rows):
    for name, n, row in rows:
        where = f"{name}:{n}"
        if row["topics"] is not None:
            assert row["topics"], where
            assert set(row["topics"]) <= CODES["topics"], where
            assert row["primary"] in CODES["topics"], where
            assert row["primary"] in row["topics"], where
        if row["intent"] is not None:
            assert row["intent"] in CODES["intents"], where
        if row["risks"] is not None:
            assert set(row["risks"]) <= CODES["risks"], where
        if row["values"] is not None:
            assert set(row["values"]) <= CODES["values"], where


def test_ids_and_texts_are_unique(rows):
    ids = Counter(row["id"] for _, _, row in rows)
    texts = Counter(row["text"].strip() for _, _, row in rows)
    assert [k for k, c in ids.items() if c > 1] == []
    assert [k for k, c in texts.items() if c > 1] == []


def test_every_label_is_represented(rows):
    topics = Counter(t for _, _, row in rows for t in row["topics"] or ())
    intents = Counter(row["intent"] for _, _, row in rows if row["intent"] is not None)
    risks = Counter(r for _, _, row in rows for r in row["risks"] or ())
    values = Counter(v for _, _, row in rows for v in row["values"] or ())
    sentiments = Counter(row["sentiment"] for _, _, row in rows if row["sentiment"] is not None)
    assert all(topics[c] >= 25 for c in CODES["topics"]), topics
    assert all(intents[c] >= 25 for c in CODES["intents"]), intents
    assert all(risks[c] >= 10 for c in CODES["risks"]), risks
    assert all(values[c] >= 40 for c in CODES["values"]), values
    assert all(sentiments[s] >= 20 for s in range(-2, 3)), sentiments


def test_no_training_text_is_in_dev_data(rows):
    if not DEV_VOICES.exists():
        pytest.skip("../shared/data/dev/voices.jsonl is absent")
    dev_texts = set()
    for line in DEV_VOICES.read_text(encoding="utf-8").splitlines():
        if line.strip():
            text = json.loads(line).get("text")
            if isinstance(text, str):
                dev_texts.add(text.strip())
    overlap = [row["id"] for _, _, row in rows if row["text"].strip() in dev_texts]
    assert overlap == []

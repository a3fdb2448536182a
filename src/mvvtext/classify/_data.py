"""Training examples: the profile's own examples and the shipped self-authored texts."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from mvvtext.classify._profile import Profile, default_profile_path, load_profile

LABEL_COLUMNS = ("topics", "primary", "intent", "sentiment", "risks", "values")


def prepare_texts(texts) -> list[str]:
    """Normalise and mask personal data: the form every classifier sees.

    The Sudachi pass that masking needs for names is also the analysis the
    classifiers use, so each text is analysed once (see ``mask_and_analyse``).
    """
    from mvvtext.classify._tokens import mask_and_analyse
    from mvvtext.text import normalize

    return [mask_and_analyse(normalize(t)) if isinstance(t, str) and t.strip() else "" for t in texts]


def text_digests(prepared: list[str]) -> list[str]:
    """Short digests of prepared (normalised, masked) texts: how a model remembers what it was trained on.

    A model keeps these, not its training texts, so that ``evaluate`` can tell
    when it is scored on texts it has seen without the model folder holding them.
    """
    return sorted({text_digest(t) for t in prepared if t})


def text_digest(prepared: str) -> str:
    """The digest of one prepared text, as :func:`text_digests` lists it."""
    return hashlib.sha256(prepared.encode("utf-8")).hexdigest()[:16]


def profile_examples(profile: Profile) -> pd.DataFrame:
    """The profile's examples as partially labelled rows (unknown fields are None)."""
    rows = []
    for code, label in profile.topics.items():
        rows += [{"text": t, "topics": [code], "primary": code, "values": []} for t in label.examples]
    for code, label in profile.intents.items():
        rows += [{"text": t, "intent": code} for t in label.examples]
    for code, label in profile.values.items():
        rows += [{"text": t, "values": [code]} for t in (*label.examples, *label.behaviours)]
    for code, risk in profile.risks.items():
        rows += [{"text": t, "risks": [code]} for t in risk.examples]
    frame = pd.DataFrame(rows, columns=["text", "channel", *LABEL_COLUMNS])
    return frame.astype(object).where(frame.notna(), None)


def training_dir() -> Path:
    """``models/training`` beside the default profile (installed package or source tree)."""
    return default_profile_path().parent / "training"


def read_labelled(path) -> pd.DataFrame:
    """Read labelled JSONL (labels-contract shape) into a frame.

    A field may be null: the row is not labelled for it. A row with labels but a
    blank text is refused (``InputError`` naming the line), never dropped silently.
    The frame's ``attrs`` name the file (``mvvtext_source``) and each row's line
    (``mvvtext_lines``), so that ``VoiceClassifier.fit`` can name the line of a
    label that is not a code of the profile.
    """
    from mvvtext.exceptions import InputError
    from mvvtext.classify._labelcheck import check_labelled_texts

    if not Path(path).is_file():
        raise InputError(f"{path}: no such file. Give the labelled JSONL (from `mvvtext tag-import`).",
                         path=str(path))
    rows, lines = [], []
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{path}, line {n}: not valid JSON ({e.msg})", path=str(path), rows=[n]) from e
            if not isinstance(row, dict):
                raise InputError(f"{path}, line {n}: a JSON {type(row).__name__}, not an object "
                                 "(each line must be one labelled row)", path=str(path), rows=[n])
            rows.append(row)
            lines.append(n)
    frame = pd.DataFrame(rows)
    if "text" not in frame.columns:
        raise InputError(f"{path}: labelled rows need a 'text' field", path=str(path), column="text")
    check_labelled_texts(frame, source=str(path), rows=lines, unit="line")
    frame.attrs["mvvtext_source"] = str(path)
    frame.attrs["mvvtext_lines"] = lines
    return frame


def shipped_training() -> pd.DataFrame:
    """All ``models/training/*.jsonl`` rows (empty frame when none are shipped)."""
    files = sorted(training_dir().glob("*.jsonl"))
    frames = [read_labelled(f) for f in files]
    if not frames:
        return pd.DataFrame(columns=["text", "channel", *LABEL_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def shipped_for_profile(shipped: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """The shipped texts' labels, kept only where they mean the same in ``profile``.

    The shipped texts are labelled in the default profile's codes. A company's own
    values are other values: unless ``profile`` has exactly the default value codes,
    the shipped ``values`` labels become null (not labelled), so that they train
    neither for nor against the company's values. A topic, intent or risk code
    ``profile`` does not have is dropped from a text's labels; a text left with no
    topic (or an unknown primary, or intent) becomes unlabelled for that field.
    """
    default = load_profile(None)
    out = shipped.copy()
    codes = {"topics": set(profile.topics), "intent": set(profile.intents), "risks": set(profile.risks)}
    same_values = set(profile.values) == set(default.values)

    def known(v, allowed):
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return None
        if isinstance(v, str):
            return v if v in allowed else None
        kept = [c for c in v if c in allowed]
        return kept if kept or not len(v) else None  # [] stays [] (labelled: none)

    for field in ("topics", "intent", "risks"):
        if field in out.columns:
            out[field] = pd.Series([known(v, codes[field]) for v in out[field]], index=out.index, dtype=object)
    if "primary" in out.columns:
        out["primary"] = pd.Series([known(v, codes["topics"]) for v in out["primary"]], index=out.index, dtype=object)
    if "values" in out.columns and not same_values:
        out["values"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    return out


def default_examples(profile: Profile, shipped: bool = True) -> pd.DataFrame:
    """Profile examples (+ shipped training texts), in the columns text, channel + label fields.

    The profile's examples have no channel (None); the shipped texts carry theirs,
    and their labels as :func:`shipped_for_profile` keeps them for ``profile``.
    """
    frames = [profile_examples(profile)]
    if shipped:
        frames.append(shipped_for_profile(
            shipped_training().reindex(columns=["text", "channel", *LABEL_COLUMNS]), profile))
    frame = pd.concat(frames, ignore_index=True).astype(object)
    return frame.where(frame.notna(), None)

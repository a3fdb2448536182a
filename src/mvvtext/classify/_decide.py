"""Combine the parts of a fitted VoiceClassifier into decisions, scores and evidence."""
from __future__ import annotations

import re

import numpy as np

from mvvtext.exceptions import ModelMismatchError


def _aligned(codes: list[str], classes, matrix: np.ndarray) -> np.ndarray:
    """Reorder ``matrix`` columns from ``classes`` to ``codes`` (absent codes score 0)."""
    out = np.zeros((matrix.shape[0], len(codes)), dtype=float)
    where = {c: j for j, c in enumerate(classes)}
    for i, code in enumerate(codes):
        if code in where:
            out[:, i] = matrix[:, where[code]]
    return out


def _fallback(vc, field: str, texts, emb, codes) -> np.ndarray:
    """Scores for a field the supervised model has no head for: zero-shot blended with rules."""
    rules = vc.rules_[field].predict_proba(texts) if field in vc.rules_ else np.zeros((len(texts), len(codes)))
    rules = _aligned(codes, vc.rules_[field].classes_, rules) if field in vc.rules_ else rules
    if field in vc.zero_shot_ and emb is not None:
        zs = vc.zero_shot_[field]
        return 0.5 * _aligned(codes, zs.classes_, zs.predict_proba(embeddings=emb)) + 0.5 * rules
    return rules


_MORE_THAN_A_DENIAL = re.compile(r"[。！？!?\n].|が、|けど|けれど|でも|しかし|ただ|一方|か[。？?]?$|ね[。！!]?$|全く|一度も|全然")


def _only_a_denial(text: str, lex) -> bool:
    """One statement whose every negative word is negated (「給与に不満はない」「困っていることはないです」).

    Not a second sentence, a contrast (が、/けど/でも), a question or an appeal,
    and no 全く/一度も/全然, which make a negation stronger rather than deny it.
    """
    return (lex.negated > 0 and lex.negative == 0 and lex.score > 0
            and not _MORE_THAN_A_DENIAL.search(text.strip()))


def _intent(codes: list[str], row: np.ndarray, filler: bool, denial: bool) -> str:
    """The intent of highest score; a filler answer is a report, and a bare denial no complaint."""
    if filler and "report" in codes:
        return "report"
    order = [codes[j] for j in np.argsort(-row, kind="stable")]
    if denial and order[0] == "complaint" and len(order) > 1:
        return order[1]
    return order[0]


EXCLUDED_RISK_FACTOR = 0.5
"""The risk head's score is scaled by this where the text's only pattern match for
that risk was cancelled by one of the profile's ``exclude`` patterns, or where no
pattern matched and every sentence matches one of that risk's excludes."""


def _evidence(vc, texts, emb, risk_hits, model_risks, chosen) -> list[str]:
    """Per text: the codebook rules that matched for the labels chosen, the risk evidence, the nearest example.

    ``chosen[field][i]``: the codes decided for text ``i`` (rules of labels not chosen are left out).
    """
    matches = {f: r.match(texts) for f, r in vc.rules_.items()}
    nearest = vc.zero_shot_["topics"].nearest_example(embeddings=emb) if "topics" in vc.zero_shot_ \
        and emb is not None else [None] * len(texts)
    out = []
    for i in range(len(texts)):
        parts = []
        for field, per_text in matches.items():
            keep = chosen.get(field)
            for code, rules in per_text[i].items():
                if keep is None or code in keep[i]:
                    parts.append(f"{code}[{'; '.join(rules[:3])}]")
        line = []
        if parts:
            line.append("rules: " + ", ".join(parts))
        flags = [f"{c}「{s}」" for c, s in risk_hits[i].items()]
        flags += [f"{c} (model {p:.2f})" for c, p in model_risks[i]]  # flagged by the head, no pattern
        if flags:
            line.append("risk: " + ", ".join(flags))
        if nearest[i] is not None:
            code, example, sim = nearest[i]
            short = example if len(example) <= 40 else example[:39] + "…"
            line.append(f"nearest: {code}「{short}」({sim:.2f})")
        out.append(" | ".join(line))
    return out


def decide(vc, texts: list[str], emb, channels=None) -> tuple[dict, dict]:
    """Return (scores, decisions) for non-empty normalised texts (``channels``: one per text, or None).

    ``scores`` maps topics / intent / values / risks to (codes, matrix in [0, 1]);
    ``decisions`` maps each output column to a list.
    """
    profile = vc.profile_
    sup = vc.supervised_
    n = len(texts)
    codes = {"topics": list(profile.topics), "intent": list(profile.intents),
             "values": list(profile.values), "risks": list(profile.risks)}
    try:
        raw = sup.predict_scores(texts, embeddings=emb, channels=channels) if n else {}
    except ValueError as e:  # sklearn: "X has 43657 features, but Ridge is expecting 43658 features"
        if "features" not in str(e):
            raise
        raise ModelMismatchError(
            f"this model's features no longer match the installed mvvtext ({e}): it was saved by another "
            "version or build of mvvtext. Train it again with `mvvtext train` on the same labelled file.") from e
    scores = {}
    for field, field_codes in codes.items():
        if field in raw:
            scores[field] = _aligned(field_codes, sup.classes_[field], raw[field])
        elif field != "risks":
            scores[field] = _fallback(vc, field, texts, emb, field_codes) if n else np.zeros((0, len(field_codes)))
        else:
            scores[field] = np.zeros((n, len(field_codes)))

    lex = [vc.lexicon_.score(t) for t in texts]
    denied = [_only_a_denial(t, s) for t, s in zip(texts, lex)]
    topic_codes = codes["topics"]
    if "primary" in raw:
        primary_scores = _aligned(topic_codes, sup.classes_["primary"], raw["primary"])
    else:
        primary_scores = scores["topics"]
    primary = [topic_codes[j] for j in np.argmax(primary_scores, axis=1)] if n else []
    t_topic = sup.thresholds_.get("topics", 0.5)
    topics = []
    for i in range(n):
        row = scores["topics"][i]
        chosen = [topic_codes[j] for j in np.argsort(-row) if row[j] >= t_topic and topic_codes[j] != primary[i]]
        labels = [primary[i], *chosen]
        if len(labels) > 1 and "other" in labels:
            labels = [c for c in labels if c != "other"]
            if primary[i] == "other":
                primary[i] = labels[0]
        topics.append(labels)

    intent = [_intent(codes["intent"], row, filler=s.filler, denial=d)
              for row, s, d in zip(scores["intent"], lex, denied)]
    for i, s in enumerate(lex):
        if s.filler and "other" in topic_codes:  # 「特になし」 is about nothing: other, as the profile's examples say
            primary[i], topics[i] = "other", ["other"]
    t_value = sup.thresholds_.get("values", 0.5)
    values = [[c for c, p in zip(codes["values"], row) if p >= t_value] for row in scores["values"]]

    risk_hits, cancelled = zip(*(vc.risk_patterns_.match_and_excluded(t) for t in texts)) if n else ((), ())
    t_risk = sup.thresholds_.get("risks", 0.35)
    risks, model_risks = [], []  # model_risks: (code, score) flagged by the head with no pattern match
    for i in range(n):
        for j, code in enumerate(codes["risks"]):
            if code in risk_hits[i]:
                scores["risks"][i, j] = max(scores["risks"][i, j], 1.0)
            elif code in cancelled[i]:  # the profile says the risk word is used in another sense here
                scores["risks"][i, j] *= EXCLUDED_RISK_FACTOR
            elif scores["risks"][i, j] >= t_risk and vc.risk_patterns_.excluded_throughout(texts[i], code):
                scores["risks"][i, j] *= EXCLUDED_RISK_FACTOR  # no pattern, and every sentence in that other sense
        flagged = [(c, float(p)) for c, p in zip(codes["risks"], scores["risks"][i]) if p >= t_risk]
        risks.append([c for c, _ in flagged])
        model_risks.append([(c, p) for c, p in flagged if c not in risk_hits[i]])

    if "sentiment" in raw:
        sentiment = np.asarray(raw["sentiment"], dtype=float)
    else:
        sentiment = np.array([s.score for s in lex], dtype=float)
    sentiment = np.where([s.filler for s in lex], 0.0, np.clip(sentiment, -2.0, 2.0)) if n else sentiment
    if n:  # 「不満はない」 alone: not negative, whatever the head makes of the word 不満
        sentiment = np.where(denied, np.maximum(sentiment, 0.0), sentiment)

    decisions = {"topics": topics, "primary": primary, "intent": intent, "sentiment": list(sentiment),
                 "risks": risks, "values": values,
                 "evidence": _evidence(vc, texts, emb, risk_hits, model_risks,
                                       {"topics": topics, "intent": [[c] for c in intent], "values": values})
                 if n else []}
    return {f: (codes[f], m) for f, m in scores.items()}, decisions

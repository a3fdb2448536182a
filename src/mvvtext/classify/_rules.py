"""KH Coder-style codebook rules: compiled rules over Sudachi forms and a rule classifier."""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from mvvtext.classify._grammar import (  # noqa: F401  (re-exported: the rule API lives here)
    And, Near, Not, Or, Quoted, RuleSyntaxError, Term, parse_rule)
from mvvtext.classify._tokens import Analysis, analyse, term_forms
from mvvtext.exceptions import NotFittedError, ProfileError


# --------------------------------------------------------------------------- evaluation


class CompiledRule:
    """A parsed rule with its terms normalised by Sudachi; call it on an :class:`Analysis`."""

    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.tree = parse_rule(rule)
        self._forms: dict[str, tuple[frozenset, tuple[str, ...]]] = {}
        self._compile(self.tree)

    def _compile(self, node) -> None:
        if isinstance(node, Term):
            a = analyse(node.text)
            single = frozenset({*a.norm, *a.dict_form}) if len(a.norm) == 1 else frozenset()
            self._forms[node.text] = (single, term_forms(node.text))
        for child in getattr(node, "parts", ()) or ():
            self._compile(child)
        for attr in ("part", "left", "right"):
            if hasattr(node, attr):
                self._compile(getattr(node, attr))

    def positions(self, node, doc: Analysis) -> list[int]:
        if isinstance(node, Quoted):
            out, start = [], doc.text.find(node.text)
            while start >= 0:
                out.append(doc.position_of_char(start))
                start = doc.text.find(node.text, start + 1)
            return out
        single, forms = self._forms[node.text]
        if single:
            if single.isdisjoint(doc.forms):
                return []
            out = [i for i, (n, d) in enumerate(zip(doc.norm, doc.dict_form)) if n in single or d in single]
            out += [i for i, piece in doc.sub if piece in single]
            return out
        k = len(forms)
        out = [i for i in range(len(doc.norm) - k + 1) if doc.norm[i:i + k] == forms]
        if not out and node.text in doc.text:
            out = [doc.position_of_char(doc.text.find(node.text))]
        return out

    def evaluate(self, node, doc: Analysis) -> bool:
        if isinstance(node, (Term, Quoted)):
            return bool(self.positions(node, doc))
        if isinstance(node, And):
            return all(self.evaluate(p, doc) for p in node.parts)
        if isinstance(node, Or):
            return any(self.evaluate(p, doc) for p in node.parts)
        if isinstance(node, Not):
            return not self.evaluate(node.part, doc)
        left, right = self.positions(node.left, doc), self.positions(node.right, doc)
        return any(abs(i - j) <= node.window for i in left for j in right)

    def _predicate(self, node):
        """``node`` as a function of an Analysis, equal to ``evaluate(node, doc)``.

        Built once per rule: the tree walk's type dispatch is done here, and a
        term only asks whether it occurs (a set test or a substring search), not
        where.
        """
        if isinstance(node, Quoted):
            text = node.text
            return lambda doc: text in doc.text
        if isinstance(node, Term):
            single, forms = self._forms[node.text]
            if single:
                return lambda doc: not single.isdisjoint(doc.forms)
            text, k = node.text, len(forms)

            def phrase(doc) -> bool:
                if text in doc.text:
                    return True
                norm = doc.norm
                return any(norm[i:i + k] == forms for i in range(len(norm) - k + 1))
            return phrase
        if isinstance(node, (And, Or)):
            parts = tuple(self._predicate(p) for p in node.parts)
            if isinstance(node, And):
                return lambda doc: all(f(doc) for f in parts)
            return lambda doc: any(f(doc) for f in parts)
        if isinstance(node, Not):
            part = self._predicate(node.part)
            return lambda doc: not part(doc)
        return lambda doc: self.evaluate(node, doc)  # Near: needs the positions

    def holds(self, doc: Analysis) -> bool:
        """True when the rule matches ``doc`` (same as ``evaluate(self.tree, doc)``, faster)."""
        fn = self.__dict__.get("_holds")
        if fn is None:  # built lazily and never pickled: closures do not pickle
            fn = self.__dict__["_holds"] = self._predicate(self.tree)
        return fn(doc)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_holds", None)
        return state

    def _triggers(self, node):
        """(forms, substrings) of which at least one must occur for ``node`` to hold; None if unknown."""
        if isinstance(node, Quoted):
            return frozenset(), (node.text,)
        if isinstance(node, Term):
            single, forms = self._forms[node.text]
            return (single, ()) if single else (frozenset(forms[:1]), (node.text,))
        if isinstance(node, Near):
            return self._triggers(node.left)
        if isinstance(node, And):
            found = [t for t in map(self._triggers, node.parts) if t is not None]
            return min(found, key=lambda t: len(t[0]) + len(t[1])) if found else None
        if isinstance(node, Or):
            found = [self._triggers(p) for p in node.parts]
            if any(t is None for t in found):
                return None
            return frozenset().union(*(t[0] for t in found)), tuple(q for t in found for q in t[1])
        return None  # Not: may hold without any term

    @property
    def trigger(self):
        """(forms, substrings) of which one must occur for the rule to match; None if any text may match."""
        if not hasattr(self, "_trigger"):
            self._trigger = self._triggers(self.tree)
        return self._trigger

    def could_match(self, doc: Analysis) -> bool:
        """Cheap pre-check: False only when the rule cannot match ``doc``."""
        if self.trigger is None:
            return True
        forms, substrings = self.trigger
        return not forms.isdisjoint(doc.forms) or any(q in doc.text for q in substrings)

    def __call__(self, doc: Analysis) -> bool:
        return self.could_match(doc) and self.holds(doc)

    def __repr__(self) -> str:
        return f"CompiledRule({self.rule!r})"


class _RuleIndex:
    """Inverted index from trigger words and substrings to the rules that need them.

    A text is only checked against rules one of whose trigger words (Sudachi
    forms) or substrings occurs in it, instead of every rule of every label.
    """

    def __init__(self, rules: dict[str, list[CompiledRule]]) -> None:
        self.order: list[tuple[str, CompiledRule]] = [(c, r) for c, rs in rules.items() for r in rs]
        self.always: list[int] = []
        self.by_form: dict[str, list[int]] = {}
        self.by_bigram: dict[str, list[tuple[str, list[int]]]] = {}  # substrings by their first two characters
        self.short: list[tuple[str, list[int]]] = []  # one-character substrings
        by_sub: dict[str, list[int]] = {}
        for i, (_, rule) in enumerate(self.order):
            trigger = rule.trigger
            if trigger is None:
                self.always.append(i)
                continue
            forms, substrings = trigger
            for f in forms:
                self.by_form.setdefault(f, []).append(i)
            for q in substrings:
                by_sub.setdefault(q, []).append(i)
        for q, ids in by_sub.items():
            if len(q) >= 2:
                self.by_bigram.setdefault(q[:2], []).append((q, ids))
            elif q:
                self.short.append((q, ids))
            else:
                self.always.extend(ids)
        self.form_keys = frozenset(self.by_form)
        self.pair_keys = frozenset(self.by_bigram)

    def candidates(self, doc: Analysis) -> list[tuple[str, CompiledRule]]:
        found = set(self.always)
        by_form, by_bigram = self.by_form, self.by_bigram
        # set intersections (in C) leave only the forms and character pairs some rule needs
        # (frozenset & frozenset walks the smaller one; a dict's keys() view would be copied into a set first)
        for f in doc.forms & self.form_keys:
            found.update(by_form[f])
        text = doc.text
        for pair in doc.bigrams & self.pair_keys:
            for q, ids in by_bigram[pair]:
                if len(q) == 2 or q in text:
                    found.update(ids)
        for q, ids in self.short:
            if q in text:
                found.update(ids)
        return [self.order[i] for i in sorted(found)]


def _normalized(texts: Iterable) -> list[str]:
    from mvvtext.text import normalize

    return [normalize(t) if isinstance(t, str) else "" for t in texts]


class RuleClassifier(ClassifierMixin, BaseEstimator):
    """Code texts with the profile's codebook rules (KH Coder style).

    Parameters
    ----------
    profile : Profile, str or None
        Company profile (``None``: the shipped default).
    field : {'topics', 'intent', 'values'}
        Which labels' rules to apply.

    Attributes
    ----------
    classes_ : ndarray of str
        Label codes, in profile order.
    rules_ : dict
        code -> list of :class:`CompiledRule`.
    """

    def __init__(self, profile=None, field: str = "topics") -> None:
        self.profile = profile
        self.field = field

    def fit(self, X=None, y=None) -> "RuleClassifier":
        """Compile the rules of the profile (``X`` and ``y`` are ignored)."""
        from mvvtext.classify._profile import load_profile

        if self.field not in ("topics", "intent", "intents", "values"):
            raise ValueError(f"The 'field' parameter of RuleClassifier must be one of "
                             f"{{'topics', 'intent', 'values'}}. Got {self.field!r} instead.")
        profile = load_profile(self.profile)
        labels = profile.labels(self.field)
        self.rules_ = {}
        for code, label in labels.items():
            try:
                self.rules_[code] = [CompiledRule(r) for r in label.rules]
            except RuleSyntaxError as e:  # only reachable for hand-built profiles
                raise ProfileError(f"{profile.source}: rule of {self.field}.{code} does not parse: {e}") from e
        self.classes_ = np.array(list(labels), dtype=object)
        self.profile_hash_ = profile.hash
        return self

    def _check(self) -> None:
        if not hasattr(self, "rules_"):
            raise NotFittedError("This RuleClassifier is not fitted yet. Call 'fit' first.")

    def _index(self) -> "_RuleIndex":
        index = self.__dict__.get("_rule_index")
        if index is None:
            index = self.__dict__["_rule_index"] = _RuleIndex(self.rules_)
        return index

    def match(self, X: Sequence[str]) -> list[dict[str, list[str]]]:
        """For each text, code -> the rule texts that matched."""
        self._check()
        cache = self.__dict__.setdefault("_match_cache", {})
        index = self._index()
        out = []
        for text in _normalized(X):
            hits = cache.get(text)
            if hits is None:
                doc = analyse(text)
                hits = {}
                for code, rule in index.candidates(doc):  # in profile order
                    if rule.holds(doc):
                        hits.setdefault(code, []).append(rule.rule)
                if len(cache) > 50_000:
                    cache.clear()
                cache[text] = hits
            out.append(hits)
        return out

    def hit_counts(self, X: Sequence[str]) -> np.ndarray:
        """(n_texts, n_labels) number of matching rules."""
        matches = self.match(X)
        counts = np.zeros((len(matches), len(self.classes_)), dtype=np.float64)
        index = {c: i for i, c in enumerate(self.classes_)}
        for row, hits in enumerate(matches):
            for code, rules in hits.items():
                counts[row, index[code]] = len(rules)
        return counts

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Scores in [0, 1): ``1 - 0.5 ** n_matching_rules`` per label (not normalised across labels)."""
        return 1.0 - 0.5 ** self.hit_counts(X)

    def predict(self, X: Sequence[str]) -> list:
        """Codes whose rules match: a list per text (topics, values), or the best code / None (intent)."""
        counts = self.hit_counts(X)
        if self.field in ("intent", "intents"):
            return [self.classes_[int(np.argmax(row))] if row.max() > 0 else None for row in counts]
        return [[c for c, n in zip(self.classes_, row) if n > 0] for row in counts]

    def score(self, X, y, sample_weight=None) -> float:
        """Mean Jaccard similarity (multi-label) or accuracy (intent)."""
        pred = self.predict(X)
        if self.field in ("intent", "intents"):
            return float(np.mean([p == t for p, t in zip(pred, y)]))
        return float(np.mean([len(set(p) & set(t)) / max(len(set(p) | set(t)), 1) for p, t in zip(pred, y)]))

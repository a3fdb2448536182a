"""The codebook rule grammar: words, quoted phrases, AND / OR / NOT, near(a, b[, window]).

A rule is parsed by recursive descent into a small syntax tree of frozen
dataclasses (:class:`Term`, :class:`Quoted`, :class:`Near`, :class:`And`,
:class:`Or`, :class:`Not`); :mod:`mvvtext.classify._rules` evaluates it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_NEAR = 10
_TOKEN = re.compile(r"""\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<comma>,)|(?P<quoted>'[^']*'|"[^"]*")|(?P<word>[^\s(),'"]+))""")
_KEYWORDS = {"and", "or", "not"}


class RuleSyntaxError(ValueError):
    """A codebook rule does not parse."""


# --------------------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Term:
    text: str


@dataclass(frozen=True)
class Quoted:
    text: str


@dataclass(frozen=True)
class Near:
    left: Term | Quoted
    right: Term | Quoted
    window: int


@dataclass(frozen=True)
class And:
    parts: tuple


@dataclass(frozen=True)
class Or:
    parts: tuple


@dataclass(frozen=True)
class Not:
    part: object


class _Parser:
    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        rule = rule.rstrip()
        while pos < len(rule):
            m = _TOKEN.match(rule, pos)
            if m is None or m.end() == pos:
                raise RuleSyntaxError(f"unexpected character {rule[pos:].strip()[:1]!r} at position {pos}")
            kind = m.lastgroup
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        want = {"lp": "'('", "rp": "')'", "comma": "','", "word": "a word"}.get(kind, "a term")
        if tok is None:
            raise RuleSyntaxError(f"the rule ends too early (expected {want})")
        if kind is not None and tok[0] != kind:
            raise RuleSyntaxError(f"expected {want}, got {tok[1]!r}")
        self.i += 1
        return tok

    def keyword(self, word: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "word" and tok[1].lower() == word

    def parse(self):
        if not self.tokens:
            raise RuleSyntaxError("the rule is empty")
        node = self.parse_or()
        if self.peek() is not None:
            raise RuleSyntaxError(f"unexpected {self.peek()[1]!r}; join terms with 'and' / 'or'")
        return node

    def parse_or(self):
        parts = [self.parse_and()]
        while self.keyword("or"):
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self):
        parts = [self.parse_not()]
        while self.keyword("and"):
            self.take()
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_not(self):
        if self.keyword("not"):
            self.take()
            return Not(self.parse_not())
        return self.parse_atom()

    def parse_term(self):
        kind, value = self.take()
        if kind == "quoted":
            if len(value) <= 2:
                raise RuleSyntaxError("empty quoted string")
            return Quoted(value[1:-1])
        if kind == "word" and value.lower() not in _KEYWORDS:
            return Term(value)
        raise RuleSyntaxError(f"expected a term, got {value!r}")

    def parse_atom(self):
        tok = self.peek()
        if tok is None:
            raise RuleSyntaxError("the rule ends too early (expected a term)")
        if tok[0] == "lp":
            self.take()
            node = self.parse_or()
            self.take("rp")
            return node
        nxt = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else None
        if tok[0] == "word" and tok[1].lower() == "near" and nxt is not None and nxt[0] == "lp":
            self.take(), self.take("lp")
            left = self.parse_term()
            self.take("comma")
            right = self.parse_term()
            window = DEFAULT_NEAR
            if self.peek() is not None and self.peek()[0] == "comma":
                self.take()
                _, number = self.take("word")
                if not number.isdigit():
                    raise RuleSyntaxError(f"near() window must be a whole number, got {number!r}")
                window = int(number)
            self.take("rp")
            return Near(left, right, window)
        return self.parse_term()


def parse_rule(rule: str):
    """Parse a codebook rule into a syntax tree; raises :class:`RuleSyntaxError`."""
    if not isinstance(rule, str):
        raise RuleSyntaxError(f"a rule must be a string, got {type(rule).__name__}")
    return _Parser(rule).parse()

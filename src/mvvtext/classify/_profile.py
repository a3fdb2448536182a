"""The company profile: YAML parsed into validated, frozen objects."""
from __future__ import annotations

import difflib
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from mvvtext.exceptions import ProfileError

INTENTS = ("question", "complaint", "request", "praise", "report")
logger = logging.getLogger(__name__)
_REPO_PROFILE = Path(__file__).resolve().parents[3] / "models" / "default_profile.yaml"

# The fixed schema keys at each level of a profile (see docs/profile.md). Label codes
# (the keys under values/topics/intents/risks) are free-form and are not listed here.
_TOP_KEYS = ("schema_version", "company", "mission", "vision", "values", "topics", "intents",
             "risks", "sentiment", "stopwords", "thresholds")
_LABEL_KEYS = {
    "values": ("name", "statement", "behaviours", "rules", "examples"),
    "topics": ("name", "description", "rules", "examples", "behaviours"),
    "intents": ("name", "description", "rules", "examples", "behaviours"),
}
_RISK_KEYS = ("name", "description", "patterns", "exclude", "examples")
_SENTIMENT_KEYS = ("positive", "negative", "negators", "filler")
_THRESHOLD_KEYS = ("min_people_figures", "min_people_quotes", "emerging_z")


@dataclass(frozen=True)
class Label:
    """A topic, intent or value: a code with a description, codebook rules and examples."""

    code: str
    name: str
    description: str = ""
    rules: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    behaviours: tuple[str, ...] = ()


@dataclass(frozen=True)
class RiskDef:
    """A risk flag: regular expressions (with excluding patterns) plus examples."""

    code: str
    name: str
    description: str = ""
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class SentimentLexicon:
    """Words that lean positive / negative, negators and filler answers."""

    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    negators: tuple[str, ...] = ()
    filler: tuple[str, ...] = ()


@dataclass(frozen=True)
class Thresholds:
    """Reporting thresholds."""

    min_people_figures: int = 5
    min_people_quotes: int = 10
    emerging_z: float = 2.0


@dataclass(frozen=True)
class Profile:
    """A validated company profile (see ``docs/profile.md``)."""

    schema_version: int
    company: str
    mission: str
    vision: str
    values: Mapping[str, Label]
    topics: Mapping[str, Label]
    intents: Mapping[str, Label]
    risks: Mapping[str, RiskDef]
    sentiment: SentimentLexicon
    stopwords: tuple[str, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)
    source: str = field(default="<dict>", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The profile's content as plain JSON-able data (without ``source``)."""
        def plain(obj):
            if isinstance(obj, Mapping):
                return {k: plain(v) for k, v in obj.items()}
            if isinstance(obj, (list, tuple)):
                return [plain(v) for v in obj]
            if hasattr(obj, "__dataclass_fields__"):
                return {k: plain(getattr(obj, k)) for k in obj.__dataclass_fields__ if k != "source"}
            return obj

        return plain(self)

    @cached_property
    def hash(self) -> str:
        """sha256 of the canonical JSON of the content (stable across key order and file path)."""
        canonical = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def labels(self, field_name: str) -> Mapping[str, Label | RiskDef]:
        """Labels of ``field_name`` ("topics", "intents"/"intent", "values", "risks")."""
        name = {"intent": "intents", "primary": "topics"}.get(field_name, field_name)
        if name not in ("topics", "intents", "values", "risks"):
            raise ValueError(f"field must be one of topics, intent, values, risks. Got {field_name!r} instead.")
        return getattr(self, name)


# --------------------------------------------------------------------------- loading


_FULLWIDTH_COLON = re.compile(r"^\s*(?:-\s*)?[A-Za-z_][A-Za-z0-9_]*\s*：", re.MULTILINE)


def _yaml_hint(text: str) -> str:
    """A hint for the YAML slip Japanese input methods make most: a full-width colon after a key."""
    m = _FULLWIDTH_COLON.search(text)
    if not m:
        return ""
    line = text.count("\n", 0, m.start()) + 1
    return (f". Hint: line {line} writes a key with a full-width colon '：' "
            f"({m.group(0).strip()!r}); YAML needs the ASCII ':' followed by a space.")


class _Doc:
    """YAML data plus the line of every key path, for error messages."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lines: dict[tuple, int] = {}
        self._scalars = yaml.SafeLoader("")
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = f", line {mark.line + 1}" if mark else ""
            raise ProfileError(f"{source}{where}: not valid YAML: {e}{_yaml_hint(text)}") from e
        self.data = self._plain(node, ()) if node is not None else {}

    def _plain(self, node, path: tuple):
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                key = self._scalars.construct_object(key_node)
                key = str(key)
                if key in out:  # YAML keeps the last of two equal keys: the first would vanish unsaid
                    where = ".".join(str(p) for p in (*path, key))
                    raise ProfileError(
                        f"{self.source}, lines {self.lines[path + (key,)]} and {key_node.start_mark.line + 1}, "
                        f"key '{where}': defined twice. Each code and key appears once; rename one or "
                        "merge the two.")
                self.lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = self._plain(value_node, path + (key,))
                self.lines[path + (key,)] = key_node.start_mark.line + 1  # the key's line, not the value's
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._plain(v, path + (i,)) for i, v in enumerate(node.value)]
        return self._scalars.construct_object(node)

    def error(self, path: tuple, message: str) -> ProfileError:
        probe = path
        while probe not in self.lines and probe:
            probe = probe[:-1]
        line = self.lines.get(probe, 1)
        key = ".".join(str(p) for p in path) or "<top level>"
        return ProfileError(f"{self.source}, line {line}, key '{key}': {message}")


def _str(doc: _Doc, data: Mapping, path: tuple, key: str, required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise doc.error(path + (key,) if path + (key,) in doc.lines else path, f"required key '{key}' is missing")
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise doc.error(path + (key,), f"must be a string, got {type(value).__name__}")
    return str(value).strip()


def _strs(doc: _Doc, data: Mapping, path: tuple, key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list):
        raise doc.error(path + (key,), f"must be a list of strings, got {type(value).__name__}")
    for i, item in enumerate(value):
        if not isinstance(item, (str, int, float)) or isinstance(item, bool):
            raise doc.error(path + (key, i), f"must be a string, got {type(item).__name__}")
    return tuple(str(v) for v in value)


def _mapping(doc: _Doc, data: Mapping, path: tuple, key: str, required: bool = True) -> dict:
    value = data.get(key)
    if value is None:
        if required:
            raise doc.error(path, f"required key '{key}' is missing")
        return {}
    if not isinstance(value, dict):
        raise doc.error(path + (key,), f"must be a mapping, got {type(value).__name__}")
    return value


def _check_keys(doc: _Doc, data: Mapping, path: tuple, allowed: tuple[str, ...]) -> None:
    """Reject the first key of ``data`` (in file order) that is not one of ``allowed``."""
    for key in data:
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, allowed, n=1) or difflib.get_close_matches(key.lower(), allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise doc.error(path + (key,), f"unknown key '{key}'; {hint}allowed keys here are {', '.join(allowed)}")


def _rules(doc: _Doc, data: Mapping, path: tuple) -> tuple[str, ...]:
    from mvvtext.classify._rules import RuleSyntaxError, parse_rule

    rules = _strs(doc, data, path, "rules")
    for i, rule in enumerate(rules):
        try:
            parse_rule(rule)
        except RuleSyntaxError as e:
            raise doc.error(path + ("rules", i), f"codebook rule {rule!r} does not parse: {e}") from None
    return rules


def _labels(doc: _Doc, section: str, *, value: bool = False) -> dict[str, Label]:
    raw = _mapping(doc, doc.data, (), section)
    out = {}
    for code, body in raw.items():
        path = (section, code)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            raise doc.error(path, "codes must be lower-case ASCII letters, digits and '_'")
        if not isinstance(body, dict):
            raise doc.error(path, f"must be a mapping with name/description, got {type(body).__name__}")
        _check_keys(doc, body, path, _LABEL_KEYS[section])
        out[code] = Label(
            code=code,
            name=_str(doc, body, path, "name"),
            description=_str(doc, body, path, "statement" if value else "description"),
            rules=_rules(doc, body, path),
            examples=_strs(doc, body, path, "examples"),
            behaviours=_strs(doc, body, path, "behaviours"),
        )
        if not out[code].examples and not out[code].behaviours and code != "other":
            _warn_once(doc, path, f"{section[:-1]} '{code}' has no examples"
                       f"{' or behaviours' if value else ''}: it is learned only from its rules and from "
                       "labelled texts. Add three to five sentences that show it.")
    return out


_WARNED: set[tuple[str, tuple]] = set()


def _warn_once(doc: _Doc, path: tuple, message: str) -> None:
    """Log a warning about ``path`` of a profile once per process (profiles are loaded again and again)."""
    if (doc.source, path) not in _WARNED:
        _WARNED.add((doc.source, path))
        logger.warning("%s, line %d: %s", doc.source, doc.lines.get(path, 1), message)


def _regexes(doc: _Doc, body: Mapping, path: tuple, key: str) -> tuple[str, ...]:
    patterns = _strs(doc, body, path, key)
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as e:
            raise doc.error(path + (key, i), f"regular expression {pattern!r} does not compile: {e}") from None
    return patterns


def _build(doc: _Doc) -> Profile:
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "a profile must be a YAML mapping")
    _check_keys(doc, data, (), _TOP_KEYS)
    version = data.get("schema_version", 1)
    if version != 1:
        raise doc.error(("schema_version",), f"unsupported schema_version {version!r} (this mvvtext reads 1)")
    topics = _labels(doc, "topics")
    if "other" not in topics:
        raise doc.error(("topics",), "topics must include 'other' (used when nothing else fits)")
    intents = _labels(doc, "intents")
    unknown = sorted(set(intents) - set(INTENTS))
    if unknown:
        raise doc.error(("intents", unknown[0]), f"unknown intent '{unknown[0]}'; intents are {', '.join(INTENTS)}")
    if not intents:
        raise doc.error(("intents",), "at least one intent is needed")
    risks = {}
    for code, body in _mapping(doc, data, (), "risks", required=False).items():
        path = ("risks", code)
        if not isinstance(body, dict):
            raise doc.error(path, f"must be a mapping, got {type(body).__name__}")
        _check_keys(doc, body, path, _RISK_KEYS)
        risks[code] = RiskDef(code=code, name=_str(doc, body, path, "name"),
                              description=_str(doc, body, path, "description", required=False),
                              patterns=_regexes(doc, body, path, "patterns"),
                              exclude=_regexes(doc, body, path, "exclude"),
                              examples=_strs(doc, body, path, "examples"))
    senti = _mapping(doc, data, (), "sentiment", required=False)
    _check_keys(doc, senti, ("sentiment",), _SENTIMENT_KEYS)
    thresholds = _mapping(doc, data, (), "thresholds", required=False)
    _check_keys(doc, thresholds, ("thresholds",), _THRESHOLD_KEYS)
    for key, kind in (("min_people_figures", int), ("min_people_quotes", int), ("emerging_z", (int, float))):
        if key in thresholds and (not isinstance(thresholds[key], kind) or isinstance(thresholds[key], bool)):
            raise doc.error(("thresholds", key), f"must be a number, got {thresholds[key]!r}")
    return Profile(
        schema_version=1,
        company=_str(doc, data, (), "company", required=False),
        mission=_str(doc, data, (), "mission", required=False),
        vision=_str(doc, data, (), "vision", required=False),
        values=MappingProxyType(_labels(doc, "values", value=True)) if data.get("values") else MappingProxyType({}),
        topics=MappingProxyType(topics),
        intents=MappingProxyType(intents),
        risks=MappingProxyType(risks),
        sentiment=SentimentLexicon(**{k: _strs(doc, senti, ("sentiment",), k)
                                      for k in _SENTIMENT_KEYS}),
        stopwords=_strs(doc, data, (), "stopwords"),
        thresholds=Thresholds(**{k: thresholds[k] for k in thresholds}),
        source=doc.source,
    )


def default_profile_path() -> Path:
    """Where the shipped default profile is: the installed package, else the source tree."""
    try:
        shipped = resources.files("mvvtext").joinpath("_shipped_models", "default_profile.yaml")
        if shipped.is_file():
            return Path(str(shipped))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):  # pragma: no cover
        pass
    return _REPO_PROFILE


def load_profile(path: str | Path | Profile | None = None) -> Profile:
    """Load and validate a company profile.

    Parameters
    ----------
    path : str, Path, Profile or None
        A profile YAML file; ``None`` loads the shipped default profile. A
        :class:`Profile` is returned unchanged.

    Returns
    -------
    Profile

    Raises
    ------
    ProfileError
        When the file is missing or invalid; the message names the file, the line and the key.
    """
    if isinstance(path, Profile):
        return path
    file = Path(path) if path is not None else default_profile_path()
    if not file.is_file():
        hint = "" if path is not None else " (the default profile ships in models/default_profile.yaml)"
        raise ProfileError(f"profile file not found: {file}{hint}")
    text = file.read_text(encoding="utf-8-sig")
    return _build(_Doc(text, str(file)))


def profile_from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Profile:
    """Validate a profile given as a mapping (e.g. ``yaml.safe_load`` output)."""
    return _build(_Doc(yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False), source))


__all__ = ["Profile", "Label", "RiskDef", "SentimentLexicon", "Thresholds", "INTENTS",
           "load_profile", "profile_from_dict", "default_profile_path"]

"""Profile loading and validation."""
import re
from pathlib import Path

import pytest
import yaml

from mvvtext.classify import load_profile
from mvvtext.classify._profile import Profile, profile_from_dict
from mvvtext.exceptions import ProfileError

MINI = Path(__file__).parent / "data" / "mini_profile.yaml"


def test_mini_profile_loads_frozen():
    p = load_profile(MINI)
    assert isinstance(p, Profile)
    assert "other" in p.topics and p.topics["pay"].name == "給与・賞与・手当"
    assert p.values["challenge"].description.startswith("新しい技術")
    assert p.risks["health"].exclude == ("限界値", "限界利益")
    assert p.sentiment.filler[0] == "特になし"
    with pytest.raises(AttributeError):
        p.company = "x"
    with pytest.raises(TypeError):
        p.topics["new"] = None
    assert load_profile(p) is p


def test_hash_is_stable_and_content_based(tmp_path):
    p = load_profile(MINI)
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    moved = tmp_path / "copy.yaml"
    moved.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=True), encoding="utf-8")
    assert load_profile(moved).hash == p.hash
    data["mission"] = "別の使命"
    moved.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_profile(moved).hash != p.hash


def test_default_profile_knows_every_label_code(shared_dir):
    codes = yaml.safe_load((shared_dir / "spec" / "labels.yaml").read_text(encoding="utf-8"))
    p = load_profile()
    for section in ("topics", "intents", "risks", "values"):
        assert set(codes[section]) <= set(getattr(p, section)), section


def _broken(tmp_path, old: str, new: str) -> Path:
    text = MINI.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize("old, new, key, needle", [
    ("    name: 給与・賞与・手当\n", "", "topics.pay", "  pay:"),
    ('patterns: ["眠れな"', 'patterns: ["眠れ(な"', "risks.health.patterns.0", 'patterns: ["眠れ(な"'),
    ("rules: [体調,", "rules: ['体調 and',", "topics.health.rules.0", "rules: ['体調 and',"),
    ("  report:\n", "  gossip:\n", "intents.gossip", "  gossip:"),
    ("  other:\n", "  misc:\n", "topics", "topics:"),
    ("min_people_figures: 5", "min_people_figures: many", "thresholds.min_people_figures", "many"),
])
def test_errors_name_file_key_and_line(tmp_path, old, new, key, needle):
    path, message = _load_error(tmp_path, old, new)
    assert str(path) in message and f"key '{key}'" in message
    assert f"line {_line_of(path, needle)}" in message


def _load_error(tmp_path, old, new):
    """(path, message) of the ProfileError of the default profile with ``old`` replaced by ``new``."""
    path = _broken(tmp_path, old, new)
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    return path, str(err.value)


def test_bad_rule_error_quotes_the_rule(tmp_path):
    path = _broken(tmp_path, "rules: [体調,", "rules: ['near(体調)',")
    with pytest.raises(ProfileError, match=r"near\(体調\)"):
        load_profile(path)


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(ProfileError, match="not found"):
        load_profile(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("topics: [\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="line"):
        load_profile(bad)


# --------------------------------------------------------------------------- unknown keys

DEFAULT = Path(__file__).resolve().parents[1] / "models" / "default_profile.yaml"


@pytest.mark.parametrize("old, new, key, needle, suggestion", [
    ("    rules: [給与, 給料,", "    rule: [給与, 給料,", "topics.pay.rule", "rule: [給与, 給料,", "rules"),
    ('    patterns: ["眠れな"', '    pattern: ["眠れな"', "risks.health.pattern", 'pattern: ["眠れな"', "patterns"),
    ("sentiment:\n", "sentimnet:\n", "sentimnet", "sentimnet:", "sentiment"),
    ("thresholds:\n", "threshold:\n", "threshold", "threshold:", "thresholds"),
])
def test_unknown_key_is_rejected_with_suggestion(tmp_path, old, new, key, needle, suggestion):
    path, message = _load_error(tmp_path, old, new)
    assert str(path) in message and f"key '{key}'" in message
    assert f"line {_line_of(path, needle)}," in message
    assert f"unknown key '{key.rsplit('.', 1)[-1]}'" in message
    assert f"did you mean '{suggestion}'?" in message
    assert "allowed keys here are" in message and suggestion in message.split("allowed keys here are", 1)[1]


@pytest.mark.parametrize("old, new, key, allowed", [
    ("  challenge:\n    name: 挑戦\n", "  challenge:\n    nam: 挑戦\n", "values.challenge.nam",
     "name, statement, behaviours, rules, examples"),
    ("    description: 制度や手続き", "    descr: 制度や手続き", "intents.question.descr", None),
    ("  negators:", "  negator:", "sentiment.negator", "positive, negative, negators, filler"),
    ("  emerging_z: 2.0", "  emerging: 2.0", "thresholds.emerging", None),
    ("stopwords:", "stop_words:", "stop_words", None),
])
def test_unknown_key_at_every_level(tmp_path, old, new, key, allowed):
    path = _broken(tmp_path, old, new)
    with pytest.raises(ProfileError, match=rf"key '{re.escape(key)}': unknown key") as err:
        load_profile(path)
    assert "did you mean" in str(err.value)
    if allowed:
        assert str(err.value).endswith(f"allowed keys here are {allowed}")


def test_unknown_key_without_close_match_lists_allowed_keys(tmp_path):
    path = _broken(tmp_path, "  other:\n    name: その他\n", "  other:\n    name: その他\n    colour: red\n")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    message = str(err.value)
    assert f"line {_line_of(path, 'colour: red')}, key 'topics.other.colour': unknown key 'colour'; " in message
    assert "did you mean" not in message
    assert message.endswith("allowed keys here are name, description, rules, examples, behaviours")


def test_unknown_key_from_dict():
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["risks"]["legal"]["exclued"] = data["risks"]["legal"].pop("exclude")
    with pytest.raises(ProfileError, match=r"key 'risks\.legal\.exclued'.*did you mean 'exclude'\?"):
        profile_from_dict(data)


def test_free_form_codes_are_not_schema_keys(tmp_path):
    # user-defined label codes (even ones that look like schema keys) stay accepted
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("  pay:\n", "  rules:\n", 1).replace("  legal:\n", "  patterns:\n", 1)
    text = text.replace("  teamwork:\n", "  my_new_value:\n", 1)
    path = tmp_path / "codes.yaml"
    path.write_text(text, encoding="utf-8")
    p = load_profile(path)
    assert "rules" in p.topics and "patterns" in p.risks and "my_new_value" in p.values


@pytest.mark.parametrize("path", [MINI, DEFAULT, None], ids=["mini", "default-file", "default"])
def test_shipped_and_test_profiles_still_load(path):
    p = load_profile(path)
    assert p.topics and p.intents and p.risks and p.sentiment.positive and p.stopwords


def test_shared_example_profile_keys_are_all_known(shared_dir):
    # shared/spec/example_profile.yaml is only the company part (no topics/intents), so it
    # does not load as a full profile; but none of its keys may be reported as unknown.
    example = shared_dir / "spec" / "example_profile.yaml"
    if not example.is_file():
        pytest.skip("shared/spec/example_profile.yaml is not available")
    with pytest.raises(ProfileError, match="required key 'topics' is missing") as err:
        load_profile(example)
    assert "unknown key" not in str(err.value)
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    mini = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    merged = {**mini, **data}  # the example's company, mission, vision and values + the mini taxonomy
    p = profile_from_dict(merged)
    assert set(p.values) == set(data["values"])


def test_a_code_defined_twice_is_an_error_naming_both_lines(tmp_path):
    text = (Path(__file__).parent / "data" / "mini_profile.yaml").read_text(encoding="utf-8")
    twice = text.replace("topics:\n", "  challenge:\n    name: 二つ目\n    statement: 上書き。\n"
                                      "    examples: [一つだけ]\ntopics:\n", 1)
    path = tmp_path / "twice.yaml"
    path.write_text(twice, encoding="utf-8")
    with pytest.raises(ProfileError, match=r"lines 7 and 23, key 'values\.challenge': defined twice"):
        load_profile(path)


def test_a_value_without_examples_is_loaded_with_a_warning(tmp_path, caplog):
    text = (Path(__file__).parent / "data" / "mini_profile.yaml").read_text(encoding="utf-8")
    bare = text.replace("topics:\n", "  genba:\n    name: 現場重視\n    statement: 現場で考える。\ntopics:\n", 1)
    path = tmp_path / "bare.yaml"
    path.write_text(bare, encoding="utf-8")
    with caplog.at_level("WARNING", logger="mvvtext.classify._profile"):
        assert "genba" in load_profile(path).values
        load_profile(path)                                   # said once, not at every load
    said = [m for m in caplog.messages if "genba" in m]
    assert len(said) == 1 and "line 23" in said[0] and "no examples or behaviours" in said[0]


def test_the_shipped_and_test_profiles_load_without_warnings(caplog):
    with caplog.at_level("WARNING", logger="mvvtext.classify._profile"):
        load_profile(None)
        load_profile(Path(__file__).parent / "data" / "mini_profile.yaml")
    assert not caplog.messages


def test_a_full_width_colon_after_a_key_is_pointed_out(tmp_path):
    text = (Path(__file__).parent / "data" / "mini_profile.yaml").read_text(encoding="utf-8")
    path = tmp_path / "colon.yaml"
    path.write_text(text.replace("    name: 挑戦", "    name： 挑戦", 1), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"line 8 writes a key with a full-width colon"):
        load_profile(path)

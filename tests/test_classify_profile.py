"""Profile loading and validation."""
from pathlib import Path

import pytest
import yaml

from mvvtext.classify import load_profile
from mvvtext.classify._profile import Profile
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
    path = _broken(tmp_path, old, new)
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    message = str(err.value)
    assert str(path) in message and f"key '{key}'" in message
    assert f"line {_line_of(path, needle)}" in message


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

"""The on-disk cache of the default model: atomic saves, damaged folders refit."""
from __future__ import annotations

import json
import logging


from mvvtext.classify import _api
from mvvtext.classify._voice import VoiceClassifier


class _Saved:
    """A stand-in for a fitted classifier whose save writes a config file."""

    def __init__(self, tag: str) -> None:
        self.tag = tag

    def save(self, path) -> None:
        (path / "heads.skops").write_text(self.tag)
        (path / "config.json").write_text(json.dumps({"tag": self.tag}))


def test_save_is_atomic_and_the_first_copy_wins(tmp_path):
    folder = tmp_path / "default-models" / "abc"
    _api._save_atomically(_Saved("first"), folder)
    _api._save_atomically(_Saved("second"), folder)      # another process finished first: its copy stays
    assert json.loads((folder / "config.json").read_text())["tag"] == "first"
    assert [p.name for p in folder.parent.iterdir()] == ["abc"]   # no scratch folder left behind


def test_an_interrupted_older_save_is_replaced(tmp_path):
    folder = tmp_path / "abc"
    folder.mkdir()
    (folder / "heads.skops").write_text("half written")
    _api._save_atomically(_Saved("whole"), folder)
    assert json.loads((folder / "config.json").read_text())["tag"] == "whole"


def test_a_damaged_cached_model_is_refitted(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("MVVTEXT_CACHE_DIR", str(tmp_path))
    fits = []
    monkeypatch.setattr(VoiceClassifier, "fit", lambda self: fits.append(1) or self)
    monkeypatch.setattr(VoiceClassifier, "save", lambda self, path: _Saved(f"fit {len(fits)}").save(path))
    _api.default_model(embedder="tfidf")
    (folder,) = (tmp_path / "default-models").iterdir()

    def truncated(*args, **kwargs):
        raise EOFError("the zip file ends early")

    monkeypatch.setattr(VoiceClassifier, "load", staticmethod(truncated))
    with caplog.at_level(logging.WARNING):
        _api.default_model(embedder="tfidf")
    assert len(fits) == 2 and "ignoring unreadable cached default model" in caplog.text
    assert json.loads((folder / "config.json").read_text())["tag"] == "fit 2"   # the damaged copy was replaced


def test_a_model_whose_features_no_longer_match_names_the_fix(monkeypatch):
    import pytest

    from mvvtext.classify import _decide
    from mvvtext.exceptions import ModelMismatchError

    class Mismatched:
        def predict_scores(self, texts, embeddings=None, channels=None):
            raise ValueError("X has 10 features, but Ridge is expecting 11 features as input.")

    class Model:
        profile_ = type("P", (), {"topics": {}, "intents": {}, "values": {}, "risks": {}})()
        supervised_ = Mismatched()

    with pytest.raises(ModelMismatchError, match="mvvtext train"):
        _decide.decide(Model(), ["給与の件"], None)

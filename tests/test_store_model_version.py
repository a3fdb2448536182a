"""The model version a store records for mvvtext's no-label default model tells its fits apart."""
from __future__ import annotations

import pytest

from mvvtext.store import Store, rescore, score_into_store
from mvvtext.store._scoring import resolve_scorer
from test_store_helpers import keyword_scorer, synthetic_week


@pytest.fixture
def default_model(monkeypatch, tmp_path):
    """``default_model`` as it is, but fitting nothing: a fake classifier, training files and code digest
    under the test's control; ``analyze`` is the keyword scorer. Yields the cache folders it used."""
    from mvvtext.classify import _api
    import mvvtext.classify as classify
    import mvvtext.embed

    training = tmp_path / "training"
    training.mkdir()
    (training / "desk.jsonl").write_text('{"text": "給与", "topics": ["pay"]}\n', encoding="utf-8")
    code = {"digest": b"code-1"}
    folders = []

    class Fitted:
        def __init__(self, profile=None, embedder=None, **kw):
            self.profile_, self.embedder = profile, embedder

        def fit(self, *a, **k):
            return self

    monkeypatch.setenv("MVVTEXT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(mvvtext.embed, "get_embedder", lambda name="auto": None)
    monkeypatch.setattr(_api, "VoiceClassifier", Fitted)
    monkeypatch.setattr(_api, "_save_atomically", lambda vc, folder: folders.append(folder))
    monkeypatch.setattr(_api, "training_dir", lambda: training)
    monkeypatch.setattr(_api, "_source_digest", lambda: code["digest"])
    monkeypatch.setattr(classify, "analyze", lambda df, model=None, verbose=True, n_jobs=None: keyword_scorer(df))
    return {"folders": folders, "training": training, "code": code}


def test_default_model_version_names_the_fit_by_its_cache_key(default_model):
    from mvvtext._version import __version__

    first = resolve_scorer(None).model_version
    folder = default_model["folders"][-1]
    assert first == f"mvvtext-{__version__}-default:{folder.name[:12]}"  # the cache folder it was fitted into
    assert resolve_scorer(None).model_version == first  # the same fit: the same version
    (default_model["training"] / "desk.jsonl").write_text('{"text": "賞与", "topics": ["pay"]}\n', encoding="utf-8")
    retrained = resolve_scorer(None).model_version
    default_model["code"]["digest"] = b"code-2"
    recoded = resolve_scorer(None).model_version
    assert len({first, retrained, recoded}) == 3
    assert [f.name[:12] for f in default_model["folders"][-2:]] == [v.rsplit(":", 1)[1] for v in (retrained, recoded)]
    assert resolve_scorer(None, model_version="pinned").model_version == "pinned"


def test_a_refit_default_model_is_a_new_version_in_the_store_and_rescore_uses_it(default_model, tmp_path):
    store = Store(tmp_path / "s.duckdb")
    first = score_into_store(synthetic_week("2026-11-09", 6, seed=31), store)
    assert first.model_version.startswith("mvvtext-") and ":" in first.model_version
    assert set(store.predictions()["model_version"]) == {first.model_version}
    default_model["code"]["digest"] = b"code-2"  # mvvtext upgraded: the default model is fitted again
    later = score_into_store(synthetic_week("2026-11-16", 4, seed=32, start_id=50), store)
    assert later.model_version != first.model_version
    assert first.model_version in later.message and "rescore" in later.message
    again = rescore(store)  # the default model: texts of the older fit are scored again, not skipped
    assert (again.n_new, again.n_skipped) == (6, 4)
    assert set(store.predictions()["model_version"]) == {later.model_version}


def test_without_the_cache_key_the_plain_version_is_kept(default_model, monkeypatch):
    from mvvtext._version import __version__
    import mvvtext.classify as classify

    class Plain:  # a default model from a build that does not name its fit
        embedder = None

    monkeypatch.setattr(classify, "default_model", lambda profile=None, *a, **k: Plain())
    assert resolve_scorer(None).model_version == f"mvvtext-{__version__}-default"


def test_default_model_names_its_fit(default_model):
    from mvvtext.classify import default_model as fit_default

    vc = fit_default()
    assert vc.cache_key_ == default_model["folders"][-1].name

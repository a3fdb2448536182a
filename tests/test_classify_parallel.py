"""VoiceClassifier.predict / analyze with n_jobs: same rows, same order, same values."""
import pandas as pd
import pytest

from mvvtext.classify import VoiceClassifier, analyze
from mvvtext.classify import _voice

MINI = "tests/data/mini_profile.yaml"
BASE = ["給料の振込日が遅れています。", "毎日終電まで残業で、もう辞めたいです。", "チームで協力してリリースできました。",
        "", None, "評価の基準がよく分かりません。", "特になし"]


@pytest.fixture(scope="module")
def model():
    return VoiceClassifier(MINI, embedder="tfidf", use_default_examples="profile").fit()


def test_parallel_equals_serial(model, monkeypatch):
    monkeypatch.setattr(_voice, "BATCH", 8)  # several batches from a small input
    texts = [None if t is None else f"{t}（{i}）" if t else t for i, t in enumerate(BASE * 6)]
    frame = pd.DataFrame({"text": texts, "site": range(len(texts))}, index=range(100, 100 + len(texts)))
    serial = analyze(frame, model=model, verbose=False)
    parallel = analyze(frame, model=model, verbose=False, n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)
    assert list(parallel.index) == list(frame.index)


@pytest.mark.parametrize("bad", [0, 1.5, "2", True])
def test_bad_n_jobs(model, bad):
    with pytest.raises(ValueError, match="n_jobs"):
        model.predict(["給料が低い"], n_jobs=bad)


def test_workers_never_exceed_batches():
    assert _voice._n_workers(None, 10) == 1
    assert _voice._n_workers(8, 3) == 3
    assert _voice._n_workers(-1, 100) >= 1



def test_refitted_model_is_never_served_stale_by_workers(monkeypatch):
    monkeypatch.setattr(_voice, "BATCH", 4)
    frame = pd.DataFrame({"text": [f"給料の振込日が遅れています（{i}）" for i in range(12)]})
    vc = VoiceClassifier(MINI, embedder="tfidf", use_default_examples="profile").fit()
    before = analyze(frame, model=vc, verbose=False, n_jobs=2)
    labelled = pd.DataFrame({
        "text": [f"給料の振込日が遅れています。いつも感謝しています（{i}）" for i in range(10)]
                + [f"評価の面談はいつですか（{i}）" for i in range(10)],
        "intent": ["praise"] * 10 + ["question"] * 10})
    vc.set_params(use_default_examples=False).fit(labelled)
    serial = analyze(frame, model=vc, verbose=False)
    parallel = analyze(frame, model=vc, verbose=False, n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)
    assert not before["intent"].equals(parallel["intent"])  # the refit changed the answers


def test_worker_start_limits_the_backend_threads():
    from mvvtext.classify import _parallel
    from mvvtext.embed import UseEmbedder

    class Model:
        def __init__(self):
            self.backend = UseEmbedder(threads=2)

        def _backend(self):
            return self.backend

    model = Model()
    try:
        _parallel._init(model, 1)
        assert _parallel._MODEL is model and model.backend.threads == 1
    finally:  # this test runs in the pytest process: give BLAS its threads back
        if _parallel._LIMITS is not None:
            _parallel._LIMITS.restore_original_limits()
        _parallel._MODEL = _parallel._LIMITS = None


def test_use_limit_threads_reaches_a_loaded_model():
    from mvvtext.embed import UseEmbedder

    use = UseEmbedder(threads=2)
    use.encode(["給料が低い"])
    loaded = use._model
    use.limit_threads(1)
    assert use._model is loaded and loaded.threads == 1  # no reload: a forked worker keeps the weights
    assert getattr(loaded, "_backend").threads == 1


@pytest.mark.parametrize("n", [0, 1, 63, 512, 513, 2000, 100_000])
def test_batch_bounds_cover_every_row_once(n):
    from mvvtext.classify._voice import BATCH, batch_bounds

    for workers in (1, 2, 4):
        bounds = batch_bounds(n, workers)
        assert [a for a, _ in bounds] == ([0, *[b for _, b in bounds[:-1]]] if n else [])
        assert (bounds[-1][1] if bounds else 0) == n
        assert all(0 < b - a <= BATCH for a, b in bounds)
        if workers > 1 and n >= 2 * BATCH:  # shrinking batches: the last ones are small
            assert bounds[-1][1] - bounds[-1][0] < BATCH // 2

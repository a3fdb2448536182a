"""Lazy, cached loading of the GiNZA (``ja_ginza``) spaCy pipeline."""
from __future__ import annotations

import functools
import logging
from typing import Any

from mvvtext.exceptions import ModelNotFoundError

__all__ = ["load_ginza"]

logger = logging.getLogger(__name__)

_MODEL = "ja_ginza"


@functools.lru_cache(maxsize=4)
def load_ginza(*, need_ner: bool = False, need_parser: bool = True, model: str = _MODEL) -> Any:
    """Load ``ja_ginza`` once per set of needed components.

    Parameters
    ----------
    need_ner : bool, default False
        Keep the ``ner`` component (only needed for masking names by NER).
    need_parser : bool, default True
        Keep the dependency parser (needed for aspect–opinion pairs).
    model : str, default "ja_ginza"
        The installed spaCy package name.

    Returns
    -------
    spacy.Language
        The pipeline with unneeded components excluded (never downloaded).

    Raises
    ------
    ModelNotFoundError
        When spaCy, GiNZA or the model package is not installed.
    """
    try:
        import spacy
    except ImportError as e:  # pragma: no cover - spacy is a core dependency
        raise ModelNotFoundError(
            "GiNZA parsing needs spaCy. Install it with: pip install 'spacy>=3.8' ginza ja-ginza"
        ) from e
    exclude = []
    if not need_ner:
        exclude.append("ner")
    if not need_parser:
        # the parser-dependent components go with it
        exclude += ["parser", "compound_splitter", "bunsetu_recognizer"]
    try:
        nlp = spacy.load(model, exclude=exclude)
    except OSError as e:
        raise ModelNotFoundError(
            f"The GiNZA model '{model}' is not installed. Install it with: pip install ginza ja-ginza"
        ) from e
    logger.debug("loaded %s with components %s", model, nlp.pipe_names)
    return nlp

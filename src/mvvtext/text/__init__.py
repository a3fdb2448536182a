"""Japanese text layer: normalisation, personal-data masking, tokenising, parsing.

Heavy models load lazily: importing this package loads neither SudachiPy's
dictionary nor GiNZA.
"""
from mvvtext.text._aspects import Aspect, AspectExtractor, add_aspects
from mvvtext.text._batch import ProcessedText, iter_process, process_frame
from mvvtext.text._cache import TextCache
from mvvtext.text._mask import (
    DEFAULT_EMPLOYEE_ID_PATTERN,
    NAME_EXCLUSIONS,
    PLACEHOLDERS,
    PersonalDataSpan,
    find_personal_data,
    mask_personal_data,
)
from mvvtext.text._normalize import normalize
from mvvtext.text._tokenize import DEFAULT_POS, DEFAULT_STOPWORDS, Token, Tokenizer, split_long_text
from mvvtext.text._userdict import build_user_dictionary

__all__ = [
    "normalize",
    "mask_personal_data",
    "find_personal_data",
    "PersonalDataSpan",
    "PLACEHOLDERS",
    "DEFAULT_EMPLOYEE_ID_PATTERN",
    "NAME_EXCLUSIONS",
    "Token",
    "Tokenizer",
    "DEFAULT_POS",
    "DEFAULT_STOPWORDS",
    "split_long_text",
    "build_user_dictionary",
    "Aspect",
    "AspectExtractor",
    "add_aspects",
    "process_frame",
    "iter_process",
    "ProcessedText",
    "TextCache",
]

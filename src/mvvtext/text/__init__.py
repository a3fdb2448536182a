"""Japanese text layer: normalisation, personal-data masking, tokenising, parsing."""
from mvvtext.text._normalize import normalize
from mvvtext.text._tokenize import Tokenizer

__all__ = ["normalize", "Tokenizer"]

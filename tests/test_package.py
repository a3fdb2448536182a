"""Package hygiene: a cheap import, a small public surface, a quiet library."""
import subprocess
import sys


def test_import_is_light():
    code = ("import sys, mvvtext; heavy = [m for m in ('torch', 'spacy', 'sudachipy', 'sklearn', "
            "'sentence_transformers', 'matplotlib', 'duckdb') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_import_sets_no_logging_handlers():
    code = "import logging, mvvtext; print(len(logging.getLogger('mvvtext').handlers), len(logging.root.handlers))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "0"]


def test_unknown_attribute():
    import mvvtext
    import pytest

    with pytest.raises(AttributeError):
        mvvtext.no_such_thing  # noqa: B018

"""The quickstart notebook runs top to bottom (its code cells, in order).

Slow: it analyses the 3,600 demo inquiries with the default model.
Run with ``python -m pytest -m slow tests/test_notebook.py``.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "quickstart.ipynb"


def _code_cells() -> list[str]:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_notebook_is_valid_json_with_code():
    cells = _code_cells()
    assert len(cells) >= 6
    for i, src in enumerate(cells):
        compile(src, f"{NOTEBOOK.name}[{i}]", "exec")  # every cell is valid Python


@pytest.mark.slow
def test_notebook_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    ns: dict = {}
    for i, src in enumerate(_code_cells()):
        exec(compile(src, f"{NOTEBOOK.name}[{i}]", "exec"), ns)  # noqa: S102 - our own notebook
    ranking = ns["ranking"]
    assert set(ranking["topic"].head(3)) & {"pay", "evaluation"}
    assert (tmp_path / "demo_report.html").stat().st_size > 10_000
    assert (tmp_path / "demo_report.xlsx").is_file()

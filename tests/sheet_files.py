"""Sheets written cell by cell with openpyxl, as a tagger's Excel leaves them (shared by the tagging tests)."""
from pathlib import Path

#: The tagging sheet's columns before the 'reviewed' column was added.
TAGGING_HEADER = ["id", "channel", "text", "topics", "primary", "intent", "sentiment", "risks", "values", "note"]


def write_rows_xlsx(path: Path, rows: list[list], header: list[str] = TAGGING_HEADER) -> Path:
    """Write ``header`` then ``rows`` to the first sheet of a new workbook at ``path``; return ``path``."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(list(header))
    for row in rows:
        wb.active.append(list(row))
    wb.save(path)
    return path

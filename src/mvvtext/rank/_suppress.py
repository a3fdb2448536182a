"""Small-cell suppression with complementary suppression.

Primary suppression hides every cell describing 1 to ``k - 1`` people, and every
cell of a segment (column) that holds fewer than ``k`` people in all. Because
row and column totals are published, a single hidden cell in a row or column
could be recovered by subtraction; complementary suppression therefore hides,
in any row or column with hidden cells summing to fewer than ``k`` people, the
smallest visible non-empty cell as well, and repeats until nothing changes. If a
row or column has no visible non-empty cell left to hide, its total is hidden
instead (``margin_suppressed``).

Zeros are published, except in a row or column whose people are all in hidden
cells and number fewer than ``k``: there the zeros beside the hidden cells would
tell which segment the few people are in (a topic raised by three people of one
department, zero everywhere else), so the whole row or column is hidden.
"""
from __future__ import annotations

import numpy as np


def suppress(people: np.ndarray, k: int, column_size: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (cell mask, row-total mask, column-total mask) for a people-count matrix.

    Parameters
    ----------
    people : array (rows, cols)
        Distinct people behind each cell.
    k : int
        Minimum people for a figure to be shown; ``k <= 1`` disables suppression.
    column_size : array (cols,), optional
        People in each column's segment overall; columns smaller than ``k`` are hidden.
    """
    people = np.asarray(people)
    mask = np.zeros(people.shape, dtype=bool)
    row_margin = np.zeros(people.shape[0], dtype=bool)
    col_margin = np.zeros(people.shape[1] if people.ndim == 2 else 0, dtype=bool)
    if k <= 1 or people.size == 0:
        return mask, row_margin, col_margin
    mask |= (people > 0) & (people < k)
    if column_size is not None:
        small = np.asarray(column_size) < k
        mask[:, small] = True
        col_margin |= small
    for _ in range(people.shape[0] + people.shape[1] + 2):
        changed = False
        for axis in (1, 0):                      # rows, then columns
            m = mask if axis == 1 else mask.T
            v = people if axis == 1 else people.T
            margins = row_margin if axis == 1 else col_margin
            for i in range(m.shape[0]):
                hidden = m[i]
                if not hidden.any() or margins[i]:
                    continue
                if v[i][hidden].sum() >= k and hidden.sum() >= 2:
                    continue
                cand = np.flatnonzero(~hidden & (v[i] > 0))
                if len(cand) == 0:
                    if hidden.sum() < 2 or v[i][hidden].sum() < k:
                        margins[i] = True
                        changed = True
                    continue
                j = cand[np.argmin(v[i][cand])]
                m[i, j] = True
                changed = True
        if not changed:
            break
    for axis in (1, 0):                          # zeros beside a group of fewer than k people
        m = mask if axis == 1 else mask.T
        v = people if axis == 1 else people.T
        for i in range(m.shape[0]):
            if m[i].any() and not (~m[i] & (v[i] > 0)).any() and v[i][m[i]].sum() < k:
                m[i] = True
                (row_margin if axis == 1 else col_margin)[i] = True
    return mask, row_margin, col_margin

"""Small array helpers."""
from __future__ import annotations

import numpy as np


def unique_int(x: np.ndarray, return_counts: bool = False):
    """Sorted unique values of an integer array (sort-based; NumPy 2.4's hash-based
    ``np.unique`` is an order of magnitude slower on large int64 arrays)."""
    s = np.sort(np.asarray(x, dtype=np.int64), kind="stable")
    if len(s) == 0:
        return (s, np.zeros(0, dtype=np.int64)) if return_counts else s
    first = np.empty(len(s), dtype=bool)
    first[0] = True
    np.not_equal(s[1:], s[:-1], out=first[1:])
    u = s[first]
    if not return_counts:
        return u
    starts = np.flatnonzero(first)
    return u, np.diff(np.append(starts, len(s)))

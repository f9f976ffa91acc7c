"""Small vectorized helpers shared by the submodels."""

from __future__ import annotations

import math

import numpy as np

from sim.core import kernels


def sigmoid(x: np.ndarray | float) -> np.ndarray:
    """Logistic function 1 / (1 + e^−x)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def weekly_probability(annual_rate: np.ndarray | float) -> np.ndarray:
    """Weekly probability of an event with the given annual hazard rate."""
    return 1.0 - np.exp(-np.asarray(annual_rate, dtype=np.float64) / 52.0)


def repeated_gain(gain: float, count: np.ndarray) -> np.ndarray:
    """Share of the gap closed by ``count`` events that each close ``gain`` of it."""
    return 1.0 - (1.0 - gain) ** count


def add_at(target: np.ndarray, index, values) -> None:
    """``np.add.at(target, index, values)`` (unbuffered: repeated indices add up, in
    order, so the sums are bit-identical), as a compiled loop. ``index`` is an index
    array, or a (rows, columns) pair for a 2-D target: there numpy's add.at costs
    ~40 ns per element, the loop ~5."""
    if isinstance(index, tuple):
        rows, cols = (np.asarray(i, dtype=np.int64).ravel() for i in index)
    else:
        rows, cols = np.asarray(index, dtype=np.int64).ravel(), None
    values = np.asarray(values, dtype=target.dtype)
    if values.ndim == 0:  # one value for every index
        values = np.full(rows.shape, values)
    values = values.ravel()
    if len(values) != len(rows):
        raise ValueError(f"add_at: {len(values)} values for {len(rows)} indices")
    if cols is None:
        kernels.scatter_add(target, rows, values)
    else:
        kernels.scatter_add_2d(target, rows, cols, values)


def run_starts(sorted_values: np.ndarray) -> np.ndarray:
    """Boolean mask of the first element of each run of equal values."""
    first = np.empty(len(sorted_values), dtype=bool)
    if len(sorted_values):
        first[0] = True
        np.not_equal(sorted_values[1:], sorted_values[:-1], out=first[1:])
    return first


def unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values. Same result as ``np.unique``, but by sorting: for the
    integer index arrays of a week this is faster than numpy's hash-based path
    (benchmarks/results.md, "Sorting instead of hashing")."""
    v = np.sort(np.asarray(values))
    return v[run_starts(v)]


def first_occurrences(values: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct value."""
    order = np.argsort(values, kind="stable")
    return order[run_starts(values[order])]


def segment_first_max(groups: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Positions of the highest score within each run of equal ``groups`` (the first
    such position if scores tie; none for a run with a NaN score). ``groups`` must be
    sorted, as the owners of a CSR slice of half-edges are: then no sort is needed.
    One compiled pass (sim.core.kernels)."""
    return kernels.segment_first_max(np.asarray(groups), np.asarray(score, dtype=np.float64))


def exact_sum(values: np.ndarray) -> float:
    """The correctly rounded sum of ``values`` (``math.fsum``). numpy's pairwise
    summation groups the terms by the CPU's vector width, so the last bit of a sum can
    differ between machines; an observed output summed exactly is the same float on
    every CPU (the golden master compares outputs bit for bit)."""
    return math.fsum(np.asarray(values, dtype=np.float64).ravel().tolist())


def exact_mean(values: np.ndarray) -> float:
    """``exact_sum`` over the count; 0 for no values."""
    n = np.size(values)
    return exact_sum(values) / n if n else 0.0


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal); 0 for an empty or all-zero
    set. Sums are exact (:func:`exact_sum`), so the value is the same on every CPU."""
    v = np.sort(np.asarray(values, dtype=np.float64))
    n = len(v)
    total = exact_sum(v)
    if n == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2.0 * exact_sum(ranks * v) / (n * total)) - (n + 1.0) / n)

"""Experimental designs over named scenario parameters: the design points.

A design point is a dict ``{parameter path: value}``; every scenario of an
experiment runs at every point (the design is crossed with the scenarios).

- ``grid``: the full factorial of the given levels (the last parameter varies
  fastest), ``∏ levels`` points — BehaviorSpace's "stepped" values;
- ``rows``: explicit rows, one point each — BehaviorSpace's listed combinations;
- ``lhs``: a Latin hypercube of ``n`` points (McKay, Beckman & Conover 1979, via
  ``scipy.stats.qmc.LatinHypercube``): each parameter's range is cut into ``n`` equal
  strata and every stratum holds exactly one point;
- ``sobol``: Saltelli's extension of the Sobol' sequence for variance-based
  sensitivity (Saltelli 2002; Saltelli et al. 2010, via ``SALib.sample.sobol``):
  ``N·(2D+2)`` points with second-order indices, ``N·(D+2)`` without;
- ``morris``: Morris (1991) one-at-a-time trajectories on a ``p``-level grid for
  elementary effects (via ``SALib.sample.morris``): ``trajectories·(D+1)`` points.

The sampled designs share one SALib ``problem`` (names and bounds), recorded in the
manifest so that analysis (``SALib.analyze.*``) mirrors the sampling exactly. Integer
parameters are sampled on ``[low, high + 1)`` and rounded down, which gives each
integer in ``low…high`` the same share of the range; the problem records those
widened bounds, as the sampler saw them. Elementary effects of integer parameters are
therefore approximate. SALib marks the problem it sampled (``sample_scaled``); the
manifest keeps it as SALib left it.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from sim.experiments.schema import (
    GridDesign,
    LatinHypercubeDesign,
    MorrisDesign,
    Parameter,
    RowsDesign,
    SobolDesign,
)

Point = dict[str, Any]


def grid(levels: dict[str, list[Any]]) -> list[Point]:
    """Every combination of the levels, the last parameter varying fastest."""
    names = list(levels)
    return [dict(zip(names, combo)) for combo in itertools.product(*(levels[n] for n in names))]


def explicit_rows(parameters: list[str], rows: list[list[Any]]) -> list[Point]:
    """One point per row."""
    return [dict(zip(parameters, row)) for row in rows]


def salib_problem(parameters: list[Parameter], bounds: dict[str, list[float]]) -> dict[str, Any]:
    """SALib's problem description: names and the bounds the sampler draws within."""
    widened = [
        [float(bounds[p.path][0]), float(bounds[p.path][1]) + (1.0 if p.kind == "integer" else 0.0)] for p in parameters
    ]
    return {"num_vars": len(parameters), "names": [p.path for p in parameters], "bounds": widened}


def latin_hypercube(problem: dict[str, Any], n: int, seed: int) -> np.ndarray:
    """``n`` × D Latin hypercube sample scaled to the problem's bounds."""
    from scipy.stats import qmc  # imported here: sweep workers never need it (its start-up: benchmarks/results.md)

    unit = qmc.LatinHypercube(problem["num_vars"], rng=np.random.default_rng(seed)).random(n)
    low, high = np.array(problem["bounds"]).T
    return qmc.scale(unit, low, high)


def saltelli(problem: dict[str, Any], base_samples: int, calc_second_order: bool, seed: int) -> np.ndarray:
    """Saltelli's sample for Sobol' indices: ``N·(2D+2)`` or ``N·(D+2)`` rows."""
    from SALib.sample import sobol as salib_sobol

    return salib_sobol.sample(problem, base_samples, calc_second_order=calc_second_order, seed=seed)


def morris_trajectories(problem: dict[str, Any], trajectories: int, levels: int, seed: int) -> np.ndarray:
    """Morris trajectories on a ``levels``-level grid: ``trajectories·(D+1)`` rows."""
    from SALib.sample import morris as salib_morris

    return salib_morris.sample(problem, trajectories, num_levels=levels, seed=seed)


def points_from_matrix(matrix: np.ndarray, parameters: list[Parameter], problem: dict[str, Any]) -> list[Point]:
    """Rows of a sample as points, in plain Python numbers (the scenario schema is
    strict about types). Integers are rounded down; the top edge of their widened
    range, which Morris grids reach, belongs to the highest integer."""
    points = []
    for row in matrix:
        point: Point = {}
        for value, param, (_, top) in zip(row, parameters, problem["bounds"]):
            point[param.path] = int(min(np.floor(value), top - 1.0)) if param.kind == "integer" else float(value)
        points.append(point)
    return points


def design_points(
    design: Any, parameters: list[Parameter], bounds_checked: dict[str, list[float]] | None, seed: int
) -> tuple[list[Point], dict[str, Any] | None]:
    """The points of a validated design and, for the sampled designs, the SALib problem.

    ``parameters`` are the design's parameters in file order; ``bounds_checked`` their
    validated bounds (sampled designs only); ``seed`` seeds the sampler."""
    if isinstance(design, GridDesign):
        return grid(design.levels), None
    if isinstance(design, RowsDesign):
        return explicit_rows(design.parameters, design.rows), None
    if not isinstance(design, (LatinHypercubeDesign, SobolDesign, MorrisDesign)):
        return [{}], None
    assert bounds_checked is not None
    problem = salib_problem(parameters, bounds_checked)
    if isinstance(design, LatinHypercubeDesign):
        matrix = latin_hypercube(problem, design.n, seed)
    elif isinstance(design, SobolDesign):
        matrix = saltelli(problem, design.N, design.calc_second_order, seed)
    else:
        matrix = morris_trajectories(problem, design.trajectories, design.levels, seed)
    return points_from_matrix(matrix, parameters, problem), problem

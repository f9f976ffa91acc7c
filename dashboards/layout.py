"""The fixed drawing of the community: every dwelling slot has one position, computed
once per reset from the dwelling structure, so a newcomer appears where the previous
occupant lived and nothing is re-laid out while the model runs."""

from __future__ import annotations

import math

import numpy as np


def _grid(index: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    return index % columns, index // columns


def _rank_within(group: np.ndarray) -> np.ndarray:
    """Each element's position among the elements of its group, in index order."""
    order = np.lexsort((np.arange(len(group)), group))
    sorted_group = group[order]
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - np.searchsorted(sorted_group, sorted_group)
    return rank


def dwelling_layout(building: np.ndarray, block: np.ndarray) -> np.ndarray:
    """(slots × 2) positions of the dwelling slots, one per slot, from each slot's
    building and block (the model's ``pop.building`` and ``pop.block``).

    Dwellings sit on a ring of radius 0.38 around their building's centre, in slot
    order; buildings one unit apart on a square-ish grid inside their block; blocks
    on a square-ish grid with a gap of 0.8 between them, block 0 at the top left.
    A slot's building never changes (a newcomer moves into the dwelling), so neither
    does its position. Buildings of different sizes (survey data) are fine."""
    building = np.asarray(building, dtype=np.int64)
    block = np.asarray(block, dtype=np.int64)
    if len(building) == 0:
        return np.zeros((0, 2))
    block_index = np.unique(block, return_inverse=True)[1].ravel()
    houses, house = np.unique(np.column_stack([block_index, building]), axis=0, return_inverse=True)
    house = house.ravel()
    house_in_block = _rank_within(houses[:, 0])  # houses are sorted by block, then building
    dwelling = _rank_within(house)
    size = np.bincount(house)[house]

    angle = 2.0 * np.pi * dwelling / size
    radius = np.where(size > 1, 0.38, 0.0)
    most = int(np.bincount(houses[:, 0]).max())
    building_columns = math.ceil(math.sqrt(most))
    building_rows = math.ceil(most / building_columns)
    block_columns = math.ceil(math.sqrt(int(block_index.max()) + 1))
    bx, by = _grid(house_in_block[house], building_columns)
    kx, ky = _grid(block_index, block_columns)
    gap = 0.8
    x = kx * (building_columns + gap) + bx + radius * np.cos(angle)
    y = -(ky * (building_rows + gap) + by) + radius * np.sin(angle)
    return np.column_stack([x, y]).astype(np.float64)

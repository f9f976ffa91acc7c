"""Whom an intervention may act on: everyone, or one arm of an in-silico trial.

An intervention that can be trialled (``mutualaid trial``, docs/trials.md) carries a
:class:`Reach` and consults it where it chooses whom it acts on: the residents it
invites, pairs or treats (``targets``) and, where other residents take part in
delivering it (a volunteer visitor), who may do so (``outside_control``). By default
everyone is reached and both calls return their argument unchanged, so a run without
a trial draws and computes exactly what it did before.

In a trial the arms are sets of *persons* (``person_id``), not dwelling slots: a
newcomer who moves into a trial participant's dwelling is in neither arm, so the
intervention does not reach them and they are not measured.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Reach:
    """The persons an intervention reaches (``treated``) and those it must never touch
    (``control``); both None means everyone is reached."""

    def __init__(self, treated: np.ndarray | None = None, control: np.ndarray | None = None):
        if (treated is None) != (control is None):
            raise ValueError("a trial's reach names both arms (treated and control person ids), or neither")
        self.treated = None if treated is None else np.asarray(treated, dtype=np.int64)
        self.control = None if control is None else np.asarray(control, dtype=np.int64)

    @property
    def everyone(self) -> bool:
        return self.treated is None

    def targets(self, pop: Any, slots: np.ndarray) -> np.ndarray:
        """The residents among ``slots`` the intervention may choose to act on: all of
        them, or in a trial those in the treated arm."""
        if self.treated is None:
            return slots
        return slots[np.isin(pop.person_id[slots], self.treated)]

    def outside_control(self, pop: Any, mask: np.ndarray) -> np.ndarray:
        """``mask`` (one flag per slot) without the residents of a trial's control arm:
        who may help deliver the intervention without the control arm receiving it."""
        if self.control is None:
            return mask
        return mask & ~(pop.occupied & np.isin(pop.person_id, self.control))


EVERYONE = Reach()
"""The default reach of every trialable intervention: all residents."""

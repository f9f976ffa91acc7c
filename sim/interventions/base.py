"""The common shape of an intervention, and the hooks through which it acts inside
the submodels."""

from __future__ import annotations

import difflib
import inspect
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import numpy as np

if TYPE_CHECKING:
    from sim.model import CommunityModel


class Hooks(Protocol):
    """Every hook a submodel calls on the running interventions that define it.

    An intervention offers a hook by defining a method of this name and these
    parameters. The submodels sum the answers (``Governance.hook_sum``) or tell every
    enabled intervention (``Governance.notify``, for ``residents_left``). Declaring
    them here is what lets a misspelt hook be refused — at class definition on the
    intervention's side, at the call on the submodel's — instead of never being called."""

    def acceptance_bonus(self, model: CommunityModel, helpers: np.ndarray, need_type: np.ndarray) -> np.ndarray | float:
        """Helping: added to the log-odds that each helper accepts a request."""

    def willingness_bonus(self, model: CommunityModel) -> np.ndarray | float:
        """Participation: added to every resident's stated-willingness score."""

    def self_worth_events(self, model: CommunityModel, helped_ok: np.ndarray) -> np.ndarray:
        """Motives: extra self-worth events per resident, given their successful help."""

    def loneliness_relief(self, model: CommunityModel) -> np.ndarray:
        """Motives: the share of each resident's loneliness relieved this week."""

    def awareness_probability(self, model: CommunityModel) -> np.ndarray:
        """Participation: each resident's weekly probability of hearing of the scheme."""

    def residents_left(self, model: CommunityModel, slots: np.ndarray) -> None:
        """Demography: these slots' residents left (told to running and idle interventions)."""


HOOKS: dict[str, inspect.Signature] = {
    name: inspect.signature(f) for name, f in vars(Hooks).items() if inspect.isfunction(f) and not name.startswith("_")
}


def check_hook(name: str) -> None:
    """Refuse a hook name the submodels do not have (a typo at the call site)."""
    if name not in HOOKS:
        raise ValueError(
            f"no hook {name!r}{_close(name)}; hooks are declared in sim/interventions/base.py Hooks: {', '.join(HOOKS)}"
        )


def _close(name: str) -> str:
    close = difflib.get_close_matches(name, list(HOOKS), n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Intervention:
    """An intervention built from its scenario block.

    ``phase`` names the phase step of the week (``sim.schedule.WEEK``) at which
    ``act`` runs (None if it acts only through hooks). ``hooks`` is filled in when
    the class is defined: the hooks of :class:`Hooks` it offers. A method whose name
    is close to a hook's, or a hook with the wrong parameters, is refused then."""

    name = "intervention"
    phase: str | None = None
    hooks: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attr, value in vars(cls).items():
            if attr.startswith("_") or not inspect.isfunction(value):
                continue
            if attr in HOOKS:
                want = len(HOOKS[attr].parameters)
                if len(inspect.signature(value).parameters) != want:
                    raise TypeError(
                        f"{cls.__name__}.{attr} takes {len(inspect.signature(value).parameters)} "
                        f"parameters; the hook is {attr}{HOOKS[attr]} (sim/interventions/base.py Hooks)"
                    )
            elif _close(attr):
                raise TypeError(
                    f"{cls.__name__}.{attr} is no hook{_close(attr)}; hooks are declared in "
                    f"sim/interventions/base.py Hooks"
                )
        cls.hooks = frozenset(h for h in HOOKS if inspect.isfunction(getattr(cls, h, None)))

    def __init__(self, block: Any, model: CommunityModel):
        self.block = block

    def act(self, model: CommunityModel) -> None:  # pragma: no cover - overridden where phase is set
        raise NotImplementedError

    def charge(self, model: CommunityModel, amount: float) -> float:
        """Pay a variable cost from the budget; returns what could be paid."""
        return model.governance.charge(self.name, amount)

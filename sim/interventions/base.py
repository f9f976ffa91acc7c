"""The common shape of an intervention, and the two ways it acts inside the submodels.

Hooks (:class:`Hooks`) are additive terms that any number of running interventions
may offer and the submodels sum (``Channels.hook_sum``): incentive terms, outreach,
relief. Channels (:class:`Channels`) are services that at most one running
intervention provides and a submodel uses when it is there: matching beyond ties,
public ratings, formal detection, health services, infrastructure, credit fines,
standing arrangements. A
submodel reaches a channel by its field (``channels.matching``), typed by the
protocol the provider implements, never by an intervention's name: which
intervention provides what is declared once, on the intervention
(``provides``), and governance fills the fields as interventions start and stop.
"""

from __future__ import annotations

import difflib
import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from sim.core.model import CommunityModel


class Hooks(Protocol):
    """Every hook a submodel calls on the running interventions that define it.

    An intervention offers a hook by defining a method of this name and these
    parameters. The submodels sum the answers (``Governance.hook_sum``) or tell every
    enabled intervention (``Governance.notify``, for ``residents_left``). Declaring
    them here is what lets a misspelt hook be refused — at class definition on the
    intervention's side, at the call on the submodel's — instead of never being called.
    A hook receives what the calling submodel has (the residents ``pop`` and the
    arrays of the moment), not the model."""

    def acceptance_bonus(self, pop: Any, helpers: np.ndarray, need_type: np.ndarray) -> np.ndarray | float:
        """Helping: added to the log-odds that each helper accepts a request."""

    def willingness_bonus(self, pop: Any) -> np.ndarray | float:
        """Participation: added to every resident's stated-willingness score."""

    def self_worth_events(self, helped_ok: np.ndarray) -> np.ndarray:
        """Motives: extra self-worth events per resident, given their successful help."""

    def awareness_probability(self, pop: Any) -> np.ndarray:
        """Participation: each resident's weekly probability of hearing of the scheme."""

    def residents_left(self, pop: Any, slots: np.ndarray) -> None:
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


# -- channels -----------------------------------------------------------------------
@runtime_checkable
class Matching(Protocol):
    """Helping: match requesters who have no tie left to ask (the platform)."""

    def candidates(self, pop: Any, seekers: np.ndarray, can_help: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(requester, helper) pairs for ``seekers`` among the residents who ``can_help``."""
        ...


@runtime_checkable
class Ratings(Protocol):
    """Trust: a public feedback channel (every rating counts fully, not by gossip),
    seen by those who can use it."""

    @property
    def public_feedback(self) -> bool: ...

    def usability(self, pop: Any) -> np.ndarray: ...


@runtime_checkable
class Detection(Protocol):
    """Norms: formal, capacity-limited detection of violations (the supervision body)."""

    def detect(self, pop: Any, offenders: np.ndarray, victims: np.ndarray, kinds: np.ndarray) -> np.ndarray:
        """Which violations are confirmed (and sanctioned beyond reputation)."""
        ...


@runtime_checkable
class HealthServices(Protocol):
    """Needs: professional services that meet a share of the residual health need."""

    @property
    def health_cover(self) -> float: ...

    def charge_health(self, hours: float) -> None:
        """Pay for ``hours`` of health support met this week."""
        ...


@runtime_checkable
class Works(Protocol):
    """Activities and network dynamics: the community's infrastructure level."""

    def level(self, base: float) -> float:
        """The infrastructure level while the works run, from the setting's ``base``."""
        ...


@runtime_checkable
class Arrangements(Protocol):
    """Helping: standing arrangements a coordinator keeps (the time bank): a helper
    visits one client every week, before requests are matched."""

    def standing(self) -> tuple[np.ndarray, np.ndarray]:
        """(client, helper) of every standing arrangement."""
        ...

    def end(self, clients: np.ndarray) -> None:
        """End the arrangements of these clients."""
        ...


@runtime_checkable
class CreditFines(Protocol):
    """Supervision: fines in time-bank credits."""

    def fine(self, pop: Any, offenders: np.ndarray, amount: float) -> None:
        """Remove ``amount`` credits per sanction from each offender (never below zero)."""
        ...


class HookBus(Protocol):
    """What sums hooks over the running interventions (``sim.submodels.governance``)."""

    def hook_sum(self, hook: str, *args: Any) -> Any: ...

    def notify(self, event: str, *args: Any) -> None: ...


@dataclass
class Channels:
    """The services running interventions provide to the submodels this week; a field
    is None while no running intervention provides it. Hooks are summed through
    :meth:`hook_sum` and events told through :meth:`notify`."""

    bus: HookBus
    matching: Matching | None = None
    ratings: Ratings | None = None
    detection: Detection | None = None
    health_services: HealthServices | None = None
    infrastructure: Works | None = None
    credit_fines: CreditFines | None = None
    arrangements: Arrangements | None = None

    def hook_sum(self, hook: str, *args: Any) -> Any:
        """Sum of ``hook`` over the running interventions that offer it (0 if none)."""
        return self.bus.hook_sum(hook, *args)

    def notify(self, event: str, *args: Any) -> None:
        """Tell every enabled intervention that offers ``event``, running or not."""
        self.bus.notify(event, *args)

    def infrastructure_level(self, base: float) -> float:
        """The infrastructure level this week: ``base``, raised while works run."""
        return self.infrastructure.level(base) if self.infrastructure is not None else base


CHANNELS: dict[str, type] = {
    "matching": Matching,
    "ratings": Ratings,
    "detection": Detection,
    "health_services": HealthServices,
    "infrastructure": Works,
    "credit_fines": CreditFines,
    "arrangements": Arrangements,
}
"""Each channel field of :class:`Channels` and the protocol its provider implements."""


@dataclass
class PhaseState:
    """What an intervention acting at its phase of the week works on (``act``): the
    residents, the ties, the week's tally, the community's scalars and the channels.
    Its parameters are its block (and the scenario blocks it keeps at construction),
    its random numbers its own stream."""

    pop: Any
    net: Any
    tally: Any
    community: Any
    channels: Channels


class Intervention:
    """An intervention built from its scenario block.

    ``phase`` names the phase step of the week (``sim.core.schedule.WEEK``) at which
    ``act`` runs (None if it acts only through hooks). ``hooks`` is filled in when
    the class is defined: the hooks of :class:`Hooks` it offers. A method whose name
    is close to a hook's, or a hook with the wrong parameters, is refused then.
    ``provides`` names the :class:`Channels` fields it fills while it runs; a name
    that is no channel is refused when the class is defined.

    ``act`` receives a :class:`PhaseState`, hooks and channel methods the arrays the
    calling submodel has. The intervention keeps the model it was built for only for
    its budget charges (:meth:`charge`) and its random stream (:meth:`stream`)."""

    name = "intervention"
    phase: str | None = None
    hooks: ClassVar[frozenset[str]] = frozenset()
    provides: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        unknown = [c for c in cls.provides if c not in CHANNELS]
        if unknown:
            raise TypeError(
                f"{cls.__name__} provides {', '.join(map(repr, unknown))}, which is no channel; "
                f"channels are declared in sim/interventions/base.py Channels: {', '.join(CHANNELS)}"
            )
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
        self.model = model

    def act(self, state: PhaseState) -> None:  # pragma: no cover - overridden where phase is set
        raise NotImplementedError

    def stream(self) -> np.random.Generator:
        """The intervention's own random stream (``sim.core.schedule.STREAMS``), looked up
        when it draws."""
        return self.model.streams[self.name]

    def charge(self, amount: float) -> float:
        """Pay a variable cost from the budget; returns what could be paid."""
        return self.model.governance.charge(self.name, amount)

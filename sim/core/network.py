"""The relationship network 关系网络 as columnar half-edges in CSR order.

Every undirected tie {i, j} is stored as two half-edges, i→j and j→i, each holding
the *owner's* view of the tie: i's particularized trust in j (Beta-reputation
counts) and the hours i owes j. Half-edges are kept sorted by (owner, other), so the
ties of resident i are the slice ``indptr[i]:indptr[i+1]`` and any pair is found by
binary search inside the owner's row (compiled loops in sim.core.kernels).

Tie strength and trust counts decay lazily: each is stored with the week it was last
refreshed, and the current value is computed on read. A week with no contact
therefore costs nothing on the edge arrays, which is what lets a 100,000-resident
community with half a million ties run a weekly step in milliseconds.

Each half-edge field lives in a buffer with a quarter of spare room; the attribute
(``owner``, ``strength``, …) is a view of its first ``len(store)`` elements. Adding
and removing ties moves elements inside the buffers instead of copying every field
into a new array, which is cheaper at scale (benchmarks/results.md, "Tie buffers with
spare room"). One compiled call (sim.core.kernels.insert_ties, remove_ties) does
a whole addition or removal, all nine fields and the row index. A view taken
before a structural change therefore sees the moved elements; take copies (fancy
indexing does) to keep a snapshot.
"""

from __future__ import annotations

import numpy as np

from sim.core import kernels
from sim.core.state import TIE, TIE_FIELDS
from sim.core.util import first_occurrences, unique

NEIGHBOUR, FRIEND, PAIRING, EXCHANGE, ACTIVITY, INTRODUCED = 0, 1, 2, 3, 4, 5
TIE_KINDS = TIE["kind"].levels  # the kinds' names, in the order of their codes above

_FIELDS = {f.name: f.dtype for f in TIE_FIELDS}
_Buffers = tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]


_NO_EDGES = np.zeros(0, dtype=np.int64)
_NO_TRUST = np.zeros(0)


def _per_pair(value, m: int, dtype) -> np.ndarray:
    """``value`` (one for all, or one per pair) as an array of ``m``."""
    value = np.asarray(value, dtype=dtype)
    if value.ndim == 0:
        return np.full(m, value, dtype=dtype)
    if value.size != m:
        raise ValueError(f"{value.size} values for {m} pairs")
    return value.ravel()


class EdgeStore:
    """Half-edge arrays sorted by (owner, other), with a CSR row index.

    The fields are declared in ``sim.core.state.TIE_FIELDS`` (dtype, unit, range, ODD
    name) and annotated here as well so that type checkers and readers see them
    (tests/test_state.py keeps the two lists equal); each is a view of its buffer."""

    owner: np.ndarray
    other: np.ndarray
    kind: np.ndarray
    strength: np.ndarray
    last_contact: np.ndarray
    trust_success: np.ndarray
    trust_failure: np.ndarray
    trust_week: np.ndarray
    owed: np.ndarray

    def __init__(self, n: int):
        self.n = int(n)
        if self.n >= 2**31:
            raise ValueError(f"{self.n} slots: the half-edges store slots as 32-bit integers (at most 2**31 - 1)")
        # each field lives in a buffer with room to grow; the attribute is a view of
        # its first len(self) elements (see _set_length)
        self._buffers = {name: np.zeros(0, dtype=dtype) for name, dtype in _FIELDS.items()}
        self._set_length(0)
        self.indptr = np.zeros(self.n + 1, dtype=np.int64)
        self._power_tables: dict[tuple[float, ...], np.ndarray] = {}
        self._first_stamp: int | None = None  # earliest week any stamp can hold

    def _stamped(self, week: int) -> None:
        if self._first_stamp is None or week < self._first_stamp:
            self._first_stamp = int(week)

    def _powers(self, bases: np.ndarray, week: int) -> np.ndarray:
        """Table T[k, e] = bases[k]**e for every elapsed time e a stamp can have at
        ``week``: reading powers from a table is much cheaper than computing them per
        half-edge every week."""
        key = tuple(np.atleast_1d(bases).tolist())
        table = self._power_tables.get(key)
        need = week - (self._first_stamp if self._first_stamp is not None else week) + 1
        if table is None or table.shape[1] < need:
            size = max(need, 2 * (table.shape[1] if table is not None else 64))
            table = np.power(np.atleast_1d(bases)[:, None], np.arange(size)[None, :])
            self._power_tables[key] = table
        return table

    def _decay(self, decay_by_kind: np.ndarray, week: int) -> np.ndarray:
        """T[kind, e]: the share of strength left after e weeks without contact."""
        return self._powers(1.0 - np.asarray(decay_by_kind, dtype=np.float64), week)

    def _forgetting(self, forgetting: float, week: int) -> np.ndarray:
        """f[e] = forgetting**e: the share of trust counts kept after e weeks."""
        return self._powers(np.array([forgetting]), week)[0]

    def _edges(self, idx) -> tuple[np.ndarray, bool, tuple[int, ...]]:
        """(half-edge indices, every, shape) for the kernels; ``every`` when ``idx``
        selects all half-edges in order (the indices are then not needed)."""
        if isinstance(idx, slice):
            if idx == slice(None):
                return _NO_EDGES, True, (len(self),)
            idx = np.arange(len(self))[idx]
        idx = np.asarray(idx)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        return idx.astype(np.int64, copy=False).reshape(-1), False, idx.shape

    # -- structure ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.owner)

    def _set_length(self, length: int) -> None:
        """Point each field's attribute at the first ``length`` elements of its buffer."""
        for name, buffer in self._buffers.items():
            setattr(self, name, buffer[:length])

    def _kernel_buffers(self) -> _Buffers:
        """The nine field buffers in the order sim.core.kernels.insert_ties and remove_ties take them."""
        b = self._buffers
        return (
            b["owner"],
            b["other"],
            b["kind"],
            b["strength"],
            b["last_contact"],
            b["trust_success"],
            b["trust_failure"],
            b["trust_week"],
            b["owed"],
        )

    def _reserve(self, length: int) -> None:
        """Room for ``length`` half-edges: a full buffer grows to 1.25 times what is
        needed (it does not shrink when ties go)."""
        if length <= len(self._buffers["owner"]):
            return
        capacity = length + length // 4 + 64
        used = len(self)
        for name, old in self._buffers.items():
            grown = np.empty(capacity, dtype=old.dtype)
            grown[:used] = old[:used]
            self._buffers[name] = grown
        self._set_length(used)

    def __getstate__(self) -> dict:
        # pickle the buffers and the length; the views are re-made on unpickling
        state = {k: v for k, v in self.__dict__.items() if k not in _FIELDS}
        state["_length"] = len(self)
        return state

    def __setstate__(self, state: dict) -> None:
        length = state.pop("_length")
        self.__dict__.update(state)
        self._set_length(length)

    @property
    def n_ties(self) -> int:
        """Number of undirected ties."""
        return len(self.owner) // 2

    def degree(self) -> np.ndarray:
        """Ties per resident slot."""
        return np.diff(self.indptr)

    def find(self, owner: np.ndarray, other: np.ndarray) -> np.ndarray:
        """Index of each half-edge owner→other, or -1 where there is no tie."""
        owner = np.asarray(owner, dtype=np.int64)
        other = np.asarray(other, dtype=np.int64)
        if owner.shape != other.shape:
            owner, other = np.broadcast_arrays(owner, other)
        found = kernels.find_in_rows(self.indptr, self.other, owner.ravel(), other.ravel())
        return found.reshape(owner.shape)

    def add(
        self,
        a: np.ndarray,
        b: np.ndarray,
        kind: int | np.ndarray,
        strength: float | np.ndarray,
        week: int,
        owner_trust: np.ndarray | None = None,
        prior_weight: float = 0.0,
    ) -> np.ndarray:
        """Add undirected ties {a_k, b_k} that do not exist yet (self-ties and
        duplicates are dropped). Returns a boolean mask of the pairs that were added.

        Each end's Beta counts start as ``prior_weight`` pseudo-observations of its
        own ``owner_trust`` (generalized trust, indexed by slot): (w·T, w·(1 − T))."""
        a, b = np.broadcast_arrays(np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))
        a, b = a.ravel(), b.ravel()
        m = len(a)
        if m == 0:
            return np.zeros(0, dtype=bool)
        if min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= self.n:
            raise IndexError(f"tie ends must be slots 0..{self.n - 1}")
        kind, strength = _per_pair(kind, m, np.int8), _per_pair(strength, m, np.float64)
        # pairs not tied yet (nor self-ties), each pair's first occurrence only
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        untied = kernels.untied_pairs(self.indptr, self.other, lo, hi)
        new = untied[first_occurrences(lo[untied] * self.n + hi[untied])]
        added = np.zeros(m, dtype=bool)
        added[new] = True
        if len(new) == 0:
            return added
        # both half-edges of each new tie, sorted by (owner, other)
        owners, others = np.concatenate([lo[new], hi[new]]), np.concatenate([hi[new], lo[new]])
        order = np.argsort(owners * self.n + others)
        pair = np.concatenate([new, new])[order]
        trust = _NO_TRUST if owner_trust is None else np.asarray(owner_trust, dtype=np.float64).ravel()
        if owner_trust is not None and len(trust) != self.n:
            raise ValueError(f"owner_trust has {len(trust)} values for {self.n} slots")
        used = len(self)
        self._reserve(used + len(order))
        kernels.insert_ties(
            *self._kernel_buffers(),
            used,
            self.indptr,
            owners[order],
            others[order],
            kind[pair],
            strength[pair],
            week,
            trust,
            float(prior_weight),
        )
        self._set_length(used + len(order))
        self._stamped(week)
        return added

    def remove(self, drop: np.ndarray) -> None:
        """Remove the half-edges where ``drop`` is true, together with their twins."""
        self.remove_edges(np.flatnonzero(drop))

    def remove_edges(self, edges: np.ndarray) -> None:
        """Remove half-edges ``edges`` (indices, repeats allowed) and their twins."""
        edges = np.asarray(edges, dtype=np.int64).ravel()
        if len(edges) == 0:
            return
        twins = self.find(self.other[edges], self.owner[edges])
        gone = unique(np.concatenate([edges, twins[twins >= 0]]))
        used = len(self)
        kernels.remove_ties(*self._kernel_buffers(), used, self.indptr, gone)
        self._set_length(used - len(gone))

    def remove_residents(self, slots: np.ndarray) -> None:
        """Remove every tie of the given slots (their occupant left)."""
        if len(slots) == 0 or len(self) == 0:
            return
        self.remove_edges(self.edges_of(unique(slots)))  # with their twins

    # -- lazily decayed values -----------------------------------------------------
    def strength_now(self, week: int, decay_by_kind: np.ndarray, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Current strength: stored strength × (1 - decay_kind)^(weeks since contact)."""
        table = self._decay(decay_by_kind, week)
        edges, every, shape = self._edges(idx)
        out = kernels.decayed_strength(self.strength, self.last_contact, self.kind, table, week, edges, every)
        return out.reshape(shape)

    def trust_counts(self, week: int, forgetting: float, idx: np.ndarray | slice) -> tuple[np.ndarray, np.ndarray]:
        """Beta counts (successes, failures) after forgetting up to ``week``."""
        factor = self._forgetting(forgetting, week)
        edges, every, shape = self._edges(idx)
        r, s = kernels.forgotten_counts(
            self.trust_success, self.trust_failure, self.trust_week, factor, week, edges, every
        )
        return r.reshape(shape), s.reshape(shape)

    def trust_expectation(self, week: int, forgetting: float, idx: np.ndarray | slice) -> np.ndarray:
        """Beta-reputation expectation (r + 1) / (r + s + 2) of the counts after
        forgetting (Jøsang & Ismail 2002)."""
        factor = self._forgetting(forgetting, week)
        edges, every, shape = self._edges(idx)
        out = kernels.trust_expectation(
            self.trust_success, self.trust_failure, self.trust_week, factor, week, edges, every
        )
        return out.reshape(shape)

    def views_of(
        self, owner: np.ndarray, other: np.ndarray, week: int, forgetting: float, default_trust: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For each pair (owner_k, other_k): the owner's particularized trust in the
        other at ``week`` (``default_trust[k]`` without a tie) and the hours the owner
        owes the other (0 without a tie); one compiled pass."""
        owner = np.asarray(owner, dtype=np.int64).ravel()
        other = np.asarray(other, dtype=np.int64).ravel()
        default_trust = np.asarray(default_trust, dtype=np.float64).ravel()
        if not len(owner) == len(other) == len(default_trust):
            raise ValueError("views_of: owner, other and default_trust must have the same length")
        factor = self._forgetting(forgetting, week)
        return kernels.views_of(
            self.indptr,
            self.other,
            self.trust_success,
            self.trust_failure,
            self.trust_week,
            self.owed,
            factor,
            week,
            owner,
            other,
            default_trust,
        )

    def record_trust(self, week: int, forgetting: float, idx: np.ndarray, success: np.ndarray) -> None:
        """Apply forgetting up to ``week`` then add one observation per half-edge.

        ``idx`` may repeat (several exchanges on one tie in a week): np.add.at adds
        each observation."""
        idx = np.asarray(idx, dtype=np.int64).ravel()
        success = np.asarray(success, dtype=bool).ravel()
        if len(success) != len(idx):
            raise ValueError(f"record_trust: {len(success)} outcomes for {len(idx)} half-edges")
        self._stamped(week)
        kernels.record_observations(
            self.trust_success,
            self.trust_failure,
            self.trust_week,
            self._forgetting(forgetting, week),
            week,
            idx,
            success,
        )

    def touch(
        self, week: int, decay_by_kind: np.ndarray, idx: np.ndarray, boost: float, twins: np.ndarray | None = None
    ) -> None:
        """A contact on half-edges ``idx`` and their twins: decay to now, then close
        ``boost`` of the gap to 1, once per half-edge however many contacts.
        ``twins`` (the twin of each ``idx``) saves the look-up when the caller has them."""
        if len(idx) == 0:
            return
        self._stamped(week)
        idx = np.asarray(idx, dtype=np.int64).ravel()
        if twins is None:
            twins = self.find(self.other[idx], self.owner[idx])
        table = self._decay(decay_by_kind, week)
        kernels.touch_edges(
            self.strength,
            self.last_contact,
            self.kind,
            table,
            week,
            idx,
            np.asarray(twins, dtype=np.int64).ravel(),
            boost,
        )

    def edges_of(self, slots: np.ndarray) -> np.ndarray:
        """Indices of the half-edges owned by ``slots`` (row by row, in the order
        given; for ascending slots this is ``np.flatnonzero(np.isin(owner, slots))``
        without a pass over every half-edge)."""
        return kernels.rows_edges(self.indptr, np.asarray(slots, dtype=np.int64))

    def neighbours(self, i: int) -> np.ndarray:
        """Slots tied to slot ``i``."""
        return self.other[self.indptr[i] : self.indptr[i + 1]]

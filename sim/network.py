"""The relationship network 关系网络 as columnar half-edges in CSR order.

Every undirected tie {i, j} is stored as two half-edges, i→j and j→i, each holding
the *owner's* view of the tie: i's particularized trust in j (Beta-reputation
counts) and the hours i owes j. Half-edges are kept sorted by (owner, other), so the
ties of resident i are the slice ``indptr[i]:indptr[i+1]`` and any pair can be found
by binary search on ``key = owner * n + other``.

Tie strength and trust counts decay lazily: each is stored with the week it was last
refreshed, and the current value is computed on read. A week with no contact
therefore costs nothing on the edge arrays, which is what lets a 100,000-resident
community with half a million ties run a weekly step in milliseconds.
"""

from __future__ import annotations

import numpy as np

from sim.util import first_occurrences, unique

NEIGHBOUR, FRIEND, PAIRING, EXCHANGE = 0, 1, 2, 3
TIE_KINDS = ("neighbour", "friend", "pairing", "exchange")

_FIELDS = {
    "owner": np.int64,
    "other": np.int64,
    "kind": np.int8,
    "strength": np.float64,  # strength at the week of last_contact
    "last_contact": np.int32,
    "trust_success": np.float64,  # Beta counts (before forgetting since trust_week)
    "trust_failure": np.float64,
    "trust_week": np.int32,
    "owed": np.float64,  # hours the owner received from the other and has not returned
}


class EdgeStore:
    """Half-edge arrays sorted by (owner, other), with a CSR row index."""

    def __init__(self, n: int):
        self.n = int(n)
        for name, dtype in _FIELDS.items():
            setattr(self, name, np.zeros(0, dtype=dtype))
        self.key = np.zeros(0, dtype=np.int64)
        self.indptr = np.zeros(self.n + 1, dtype=np.int64)
        self._power_tables: dict[tuple[float, ...], np.ndarray] = {}

    def _powers(self, bases: np.ndarray, elapsed: np.ndarray) -> np.ndarray:
        """Table T[k, e] = bases[k]**e for e = 0..max(elapsed): reading powers from a
        table is much cheaper than computing them per half-edge every week."""
        key = tuple(np.atleast_1d(bases).tolist())
        table = self._power_tables.get(key)
        need = int(elapsed.max()) + 1 if len(elapsed) else 1
        if table is None or table.shape[1] < need:
            size = max(need, 2 * (table.shape[1] if table is not None else 64))
            table = np.power(np.atleast_1d(bases)[:, None], np.arange(size)[None, :])
            self._power_tables[key] = table
        return table

    # -- structure ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.key)

    @property
    def n_ties(self) -> int:
        """Number of undirected ties."""
        return len(self.key) // 2

    def degree(self) -> np.ndarray:
        """Ties per resident slot."""
        return np.diff(self.indptr)

    def _shift_rows(self, owners: np.ndarray, sign: int) -> None:
        """Update the CSR row index for half-edges of ``owners`` added (+1) or removed (-1)."""
        self.indptr[1:] += sign * np.cumsum(np.bincount(owners, minlength=self.n))

    def find(self, owner: np.ndarray, other: np.ndarray) -> np.ndarray:
        """Index of each half-edge owner→other, or -1 where there is no tie."""
        owner = np.asarray(owner, dtype=np.int64)
        other = np.asarray(other, dtype=np.int64)
        if len(self.key) == 0:
            return np.full(owner.shape, -1, dtype=np.int64)
        q = owner * self.n + other
        pos = np.searchsorted(self.key, q)
        pos_c = np.minimum(pos, len(self.key) - 1)
        return np.where(self.key[pos_c] == q, pos_c, -1)

    def add(self, a: np.ndarray, b: np.ndarray, kind: int | np.ndarray, strength: float | np.ndarray,
            week: int, owner_trust: np.ndarray | None = None, prior_weight: float = 0.0) -> np.ndarray:
        """Add undirected ties {a_k, b_k} that do not exist yet (self-ties and
        duplicates are dropped). Returns a boolean mask of the pairs that were added.

        Each end's Beta counts start as ``prior_weight`` pseudo-observations of its
        own ``owner_trust`` (generalized trust, indexed by slot): (w·T, w·(1 − T))."""
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        m = len(a)
        added = np.zeros(m, dtype=bool)
        if m == 0:
            return added
        kind = np.broadcast_to(np.asarray(kind, dtype=np.int8), (m,))
        strength = np.broadcast_to(np.asarray(strength, dtype=np.float64), (m,))
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        pair_key = lo * self.n + hi
        ok = (a != b) & (self.find(lo, hi) < 0)
        # first occurrence of each new pair only
        uniq = np.zeros(m, dtype=bool)
        uniq[first_occurrences(pair_key)] = True
        ok &= uniq
        added[ok] = True
        if not ok.any():
            return added
        lo, hi = lo[ok], hi[ok]
        owners = np.concatenate([lo, hi])
        trust = owner_trust[owners] if owner_trust is not None else np.zeros(len(owners))
        seeded = prior_weight if owner_trust is not None else 0.0
        new = {
            "owner": owners,
            "other": np.concatenate([hi, lo]),
            "kind": np.concatenate([kind[ok], kind[ok]]),
            "strength": np.concatenate([strength[ok], strength[ok]]),
            "last_contact": np.full(2 * len(lo), week, dtype=np.int32),
            "trust_success": seeded * trust,
            "trust_failure": seeded * (1.0 - trust),
            "trust_week": np.full(2 * len(lo), week, dtype=np.int32),
            "owed": np.zeros(2 * len(lo)),
        }
        new_key = new["owner"] * self.n + new["other"]
        order = np.argsort(new_key, kind="stable")
        new_key = new_key[order]
        # merge: new element k lands at searchsorted position + k
        total = len(self.key) + len(new_key)
        at_new = np.searchsorted(self.key, new_key) + np.arange(len(new_key))
        at_old = np.ones(total, dtype=bool)
        at_old[at_new] = False
        for name, values in (("key", new_key), *((f, new[f][order]) for f in _FIELDS)):
            old = getattr(self, name)
            merged = np.empty(total, dtype=old.dtype)
            merged[at_old] = old
            merged[at_new] = values
            setattr(self, name, merged)
        self._shift_rows(owners, +1)
        return added

    def remove(self, drop: np.ndarray) -> None:
        """Remove the half-edges where ``drop`` is true, together with their twins."""
        if not drop.any():
            return
        twins = self.find(self.other[drop], self.owner[drop])
        drop = drop.copy()
        drop[twins[twins >= 0]] = True
        self._shift_rows(self.owner[drop], -1)
        keep = ~drop
        self.key = self.key[keep]
        for name in _FIELDS:
            setattr(self, name, getattr(self, name)[keep])

    def remove_residents(self, slots: np.ndarray) -> None:
        """Remove every tie of the given slots (their occupant left)."""
        if len(slots) == 0 or len(self.key) == 0:
            return
        gone = np.zeros(self.n, dtype=bool)
        gone[slots] = True
        self.remove(gone[self.owner] | gone[self.other])

    # -- lazily decayed values -----------------------------------------------------
    def strength_now(self, week: int, decay_by_kind: np.ndarray, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Current strength: stored strength × (1 - decay_kind)^(weeks since contact)."""
        elapsed = week - self.last_contact[idx]
        table = self._powers(1.0 - decay_by_kind, elapsed)
        return self.strength[idx] * table[self.kind[idx], elapsed]

    def trust_counts(self, week: int, forgetting: float, idx: np.ndarray | slice) -> tuple[np.ndarray, np.ndarray]:
        """Beta counts (successes, failures) after forgetting up to ``week``."""
        elapsed = week - self.trust_week[idx]
        f = self._powers(np.array([forgetting]), elapsed)[0, elapsed]
        return self.trust_success[idx] * f, self.trust_failure[idx] * f

    def trust_expectation(self, week: int, forgetting: float, idx: np.ndarray | slice) -> np.ndarray:
        """Beta-reputation expectation (r + 1) / (r + s + 2) (Jøsang & Ismail 2002)."""
        r, s = self.trust_counts(week, forgetting, idx)
        return (r + 1.0) / (r + s + 2.0)

    def record_trust(self, week: int, forgetting: float, idx: np.ndarray, success: np.ndarray) -> None:
        """Apply forgetting up to ``week`` then add one observation per half-edge.

        ``idx`` may repeat (several exchanges on one tie in a week): np.add.at adds
        each observation."""
        uniq = unique(idx)
        r, s = self.trust_counts(week, forgetting, uniq)
        self.trust_success[uniq] = r
        self.trust_failure[uniq] = s
        self.trust_week[uniq] = week
        np.add.at(self.trust_success, idx, success.astype(np.float64))
        np.add.at(self.trust_failure, idx, (~success).astype(np.float64))

    def touch(self, week: int, decay_by_kind: np.ndarray, idx: np.ndarray, boost: float,
              twins: np.ndarray | None = None) -> None:
        """A contact on half-edges ``idx`` and their twins: decay to now, then close
        ``boost`` of the gap to 1, once per half-edge however many contacts.
        ``twins`` (the twin of each ``idx``) saves the look-up when the caller has them."""
        if len(idx) == 0:
            return
        if twins is None:
            twins = self.find(self.other[idx], self.owner[idx])
        both = unique(np.concatenate([idx, twins[twins >= 0]]))
        s = self.strength_now(week, decay_by_kind, both)
        self.strength[both] = s + boost * (1.0 - s)
        self.last_contact[both] = week

    def neighbours(self, i: int) -> np.ndarray:
        """Slots tied to slot ``i``."""
        return self.other[self.indptr[i]:self.indptr[i + 1]]

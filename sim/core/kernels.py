"""Compiled inner loops (numba) for the relationship network's hot paths.

Each kernel does what a few lines of numpy would do, in one pass and without
temporaries: reading lazily decayed tie strength and trust and recording contacts
and trust observations, finding a tie by binary search inside its owner's CSR row,
adding and removing batches of ties (in place, in every field and the row index),
counting per-resident ties and triangles, adding up ledgers, and serving helpers'
queues of requests. They are the only compiled code in the package;
the submodels themselves stay numpy and call them.

Numbers are the same as the numpy formulas they replace: the kernels perform the
same IEEE operations in the same order (no ``fastmath``), and the tests compare them
with the numpy formulas on random networks. Compiled code is cached on disk
(``cache=True``), so only the first run on a machine pays the compilation
(benchmarks/results.md, "Compiled kernels"). Setting ``NUMBA_DISABLE_JIT=1`` runs them as plain Python, for
debugging.

``idx`` arguments are half-edge indices; with ``every=True`` the kernel runs over all
half-edges and ``idx`` is ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numba
import numpy as np


def _jit[Function: Callable[..., Any]](function: Function) -> Function:
    """``numba.njit(cache=True, nogil=True)``, typed as the function it compiles: a
    compiled kernel is called exactly as the Python function is, which is what type
    checkers should check the callers against."""
    return cast(Function, numba.njit(cache=True, nogil=True)(function))


@_jit
def _elapsed(stamp, e, week, columns):
    """Weeks since half-edge e's stamp; an error if outside the table's columns."""
    elapsed = week - stamp[e]
    if elapsed < 0 or elapsed >= columns:
        raise ValueError("a tie was stamped after the week being read")
    return elapsed


@_jit
def decayed_strength(strength, stamp, kind, table, week, idx, every):
    """strength[e] × table[kind[e], week − stamp[e]] for each half-edge e."""
    m = len(strength) if every else len(idx)
    out = np.empty(m)
    for j in range(m):
        e = j if every else idx[j]
        out[j] = strength[e] * table[kind[e], _elapsed(stamp, e, week, table.shape[1])]
    return out


@_jit
def forgotten_counts(success, failure, stamp, factor, week, idx, every):
    """Beta counts after forgetting: (success[e] × f, failure[e] × f) with
    f = factor[week − stamp[e]]."""
    m = len(success) if every else len(idx)
    r = np.empty(m)
    s = np.empty(m)
    for j in range(m):
        e = j if every else idx[j]
        f = factor[_elapsed(stamp, e, week, len(factor))]
        r[j] = success[e] * f
        s[j] = failure[e] * f
    return r, s


@_jit
def _expectation(success, failure, f):
    """Beta expectation (r + 1) / (r + s + 2) of counts r = success·f, s = failure·f
    (scalars: a helper taking the arrays made the loops several times slower)."""
    r = success * f
    return (r + 1.0) / (r + failure * f + 2.0)


@_jit
def trust_expectation(success, failure, stamp, factor, week, idx, every):
    """Beta-reputation expectation (r + 1) / (r + s + 2) of the counts after
    forgetting (as ``forgotten_counts``), without the arrays of counts."""
    m = len(success) if every else len(idx)
    out = np.empty(m)
    for j in range(m):
        e = j if every else idx[j]
        out[j] = _expectation(success[e], failure[e], factor[_elapsed(stamp, e, week, len(factor))])
    return out


@_jit
def views_of(indptr, other, success, failure, stamp, owed, factor, week, owner_q, other_q, default_trust):
    """For each pair k: the owner's particularized trust in the other (the Beta
    expectation after forgetting, as ``trust_expectation``; ``default_trust[k]``
    without a tie) and the hours the owner owes the other (0 without a tie)."""
    edge = find_in_rows(indptr, other, owner_q, other_q)
    trust = np.empty(len(edge))
    debt = np.zeros(len(edge))
    for j in range(len(edge)):
        e = edge[j]
        if e < 0:
            trust[j] = default_trust[j]
        else:
            trust[j] = _expectation(success[e], failure[e], factor[_elapsed(stamp, e, week, len(factor))])
            debt[j] = owed[e]
    return trust, debt


@_jit
def _distinct(idx, size, name):
    """The distinct values of ``idx`` (indices below ``size``) in order of first
    appearance; a mark per index instead of a sort, which at 100,000 residents is
    several times faster than sorting."""
    seen = np.zeros(size, dtype=np.bool_)
    out = np.empty(len(idx), dtype=np.int64)
    k = 0
    for j in range(len(idx)):
        e = idx[j]
        if e < 0 or e >= size:
            raise IndexError(name)
        if not seen[e]:
            seen[e] = True
            out[k] = e
            k += 1
    return out[:k]


@_jit
def touch_edges(strength, stamp, kind, table, week, idx, twins, boost):
    """A contact on half-edges ``idx`` and their ``twins`` (−1: none): each distinct
    half-edge is decayed to ``week`` (as ``decayed_strength``), then ``boost`` of the
    gap to 1 is closed, once however many contacts, and it is stamped ``week``."""
    both = np.empty(len(idx) + len(twins), dtype=np.int64)
    m = 0
    for j in range(len(idx)):
        both[m] = idx[j]
        m += 1
    for j in range(len(twins)):
        if twins[j] >= 0:
            both[m] = twins[j]
            m += 1
    for e in _distinct(both[:m], len(strength), "touch_edges: half-edge index out of range"):
        s = strength[e] * table[kind[e], _elapsed(stamp, e, week, table.shape[1])]
        strength[e] = s + boost * (1.0 - s)
        stamp[e] = week


@_jit
def record_observations(success, failure, stamp, factor, week, idx, outcome):
    """Forget each distinct half-edge's Beta counts up to ``week`` (as
    ``forgotten_counts``) and stamp it, then add one observation per entry of ``idx``
    in order: a success where ``outcome``, else a failure (np.add.at semantics)."""
    for e in _distinct(idx, len(success), "record_observations: half-edge index out of range"):
        f = factor[_elapsed(stamp, e, week, len(factor))]
        success[e] = success[e] * f
        failure[e] = failure[e] * f
        stamp[e] = week
    for j in range(len(idx)):
        if outcome[j]:
            success[idx[j]] += 1.0
        else:
            failure[idx[j]] += 1.0


@_jit
def _row_lower_bound(other, lo, hi, x):
    """First position in other[lo:hi] (sorted) whose value is not below x."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if other[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@_jit
def find_in_rows(indptr, other, owner_q, other_q):
    """Index of each half-edge owner→other, or −1 where there is no tie (owners out
    of range have no ties)."""
    n = len(indptr) - 1
    out = np.full(len(owner_q), -1, dtype=np.int64)
    for j in range(len(owner_q)):
        o = owner_q[j]
        if o < 0 or o >= n:
            continue
        end = indptr[o + 1]
        at = _row_lower_bound(other, indptr[o], end, other_q[j])
        if at < end and other[at] == other_q[j]:
            out[j] = at
    return out


@_jit
def _insert_sorted(buf, length, values, at_new):
    """Insert ``values`` into ``buf[:length]`` in place so that ``values[k]`` ends at
    position ``at_new[k]`` (increasing) and the old elements keep their order; ``buf``
    must have room for ``length + len(values)``. Old elements move right, from the
    end backwards, each by the number of new values placed before it: only the
    elements after the first insertion point move, each written once, where it was
    just read (an element loop: as fast here as a slice move, which would copy the
    overlapping source first, and quicker to compile)."""
    k = len(values)
    if length + k > len(buf):
        raise IndexError("insert_sorted: no room in the buffer")
    end = length  # old elements [start, end) move right by j + 1
    for j in range(k - 1, -1, -1):
        start = at_new[j] - j
        for p in range(end - 1, start - 1, -1):
            buf[p + j + 1] = buf[p]
        buf[at_new[j]] = values[j]
        end = start


@_jit
def untied_pairs(indptr, other, lo, hi):
    """Positions k of the pairs lo_k < hi_k that are not tied already (ends must be
    valid slots; lo_k = hi_k, a self-tie, is never new)."""
    out = np.empty(len(lo), dtype=np.int64)
    c = 0
    for k in range(len(lo)):
        if lo[k] == hi[k]:
            continue
        end = indptr[lo[k] + 1]
        at = _row_lower_bound(other, indptr[lo[k]], end, hi[k])
        if not (at < end and other[at] == hi[k]):
            out[c] = k
            c += 1
    return out[:c]


@_jit
def _shift_rows(indptr, owners, sign):
    """Row index after adding (sign +1) or removing (−1) half-edges of ``owners``:
    each row's end moves by the half-edges of it and of the rows before."""
    n = len(indptr) - 1
    count = np.zeros(n + 1, dtype=np.int64)
    for o in owners:
        count[o + 1] += 1
    shift = 0
    for r in range(1, n + 1):
        shift += count[r]
        indptr[r] += sign * shift


@_jit
def insert_ties(
    owner,
    other,
    kind,
    strength,
    last_contact,
    trust_success,
    trust_failure,
    trust_week,
    owed,
    length,
    indptr,
    new_owner,
    new_other,
    new_kind,
    new_strength,
    week,
    owner_trust,
    prior_weight,
):
    """Insert new half-edges (``new_owner``/``new_other`` sorted by owner then other,
    none present yet) into the nine field buffers, in place, and update the row index.

    Each starts with its kind and strength, contact and trust stamps at ``week``,
    nothing owed, and Beta counts (w·T, w·(1 − T)) from its owner's ``owner_trust`` T
    with weight w = ``prior_weight`` (counts 0 when ``owner_trust`` is empty). The
    buffers must have room for the new half-edges."""
    m = len(new_owner)
    at_new = np.empty(m, dtype=np.int64)
    success = np.empty(m)
    failure = np.empty(m)
    seeded = len(owner_trust) > 0
    for j in range(m):
        o = new_owner[j]
        # where it goes in its owner's row, shifted by the new half-edges before it
        at_new[j] = _row_lower_bound(other, indptr[o], indptr[o + 1], new_other[j]) + j
        t = owner_trust[o] if seeded else 0.0
        w = prior_weight if seeded else 0.0
        success[j] = w * t
        failure[j] = w * (1.0 - t)
    stamps = np.full(m, week, dtype=np.int64)
    _insert_sorted(owner, length, new_owner, at_new)
    _insert_sorted(other, length, new_other, at_new)
    _insert_sorted(kind, length, new_kind, at_new)
    _insert_sorted(strength, length, new_strength, at_new)
    _insert_sorted(last_contact, length, stamps, at_new)
    _insert_sorted(trust_success, length, success, at_new)
    _insert_sorted(trust_failure, length, failure, at_new)
    _insert_sorted(trust_week, length, stamps, at_new)
    _insert_sorted(owed, length, np.zeros(m), at_new)
    _shift_rows(indptr, new_owner, 1)


@_jit
def _delete_sorted(buf, length, gone):
    """Delete positions ``gone`` (increasing, distinct) from ``buf[:length]`` in place;
    the others keep their order in ``buf[:length - len(gone)]``: the elements after
    the j-th deleted position move left by j + 1 (slice moves: here a third faster
    than an element loop)."""
    k = len(gone)
    for j in range(k):
        end = gone[j + 1] if j + 1 < k else length
        buf[gone[j] - j : end - j - 1] = buf[gone[j] + 1 : end]


@_jit
def remove_ties(
    owner, other, kind, strength, last_contact, trust_success, trust_failure, trust_week, owed, length, indptr, gone
):
    """Remove half-edges at positions ``gone`` (increasing, distinct) from the nine
    field buffers, in place, and update the row index."""
    k = len(gone)
    if k and (gone[0] < 0 or gone[k - 1] >= length):
        raise IndexError("remove_ties: half-edge index out of range")
    _shift_rows(indptr, owner[gone], -1)
    _delete_sorted(owner, length, gone)
    _delete_sorted(other, length, gone)
    _delete_sorted(kind, length, gone)
    _delete_sorted(strength, length, gone)
    _delete_sorted(last_contact, length, gone)
    _delete_sorted(trust_success, length, gone)
    _delete_sorted(trust_failure, length, gone)
    _delete_sorted(trust_week, length, gone)
    _delete_sorted(owed, length, gone)


@_jit
def serve_in_order(helpers, hours, capacity_left, by_priority):
    """Hours granted to each request k (``hours[k]`` asked of helper ``helpers[k]``)
    when every helper serves their requests in priority order until capacity runs
    out; ``by_priority`` lists the requests from first to last served.

    The requests are put in the order of ``np.lexsort((priority, helpers))`` by a
    stable counting sort on the helper (O(requests + slots) instead of a two-key
    comparison sort), then each is granted clip(capacity − hours before it in its
    helper's queue, 0, hours), the hours before being computed from the running sum
    exactly as the numpy formula does: cum − x − (cum at the queue's head − x head)."""
    m = len(helpers)
    slots = len(capacity_left)
    first = np.zeros(slots + 1, dtype=np.int64)
    for k in range(m):
        first[helpers[k] + 1] += 1
    for s in range(slots):
        first[s + 1] += first[s]
    order = np.empty(m, dtype=np.int64)
    for j in range(m):
        k = by_priority[j]
        order[first[helpers[k]]] = k
        first[helpers[k]] += 1
    granted = np.empty(m)
    cum = 0.0
    head = 0.0
    for j in range(m):
        k = order[j]
        x = hours[k]
        cum += x
        if j == 0 or helpers[k] != helpers[order[j - 1]]:
            head = cum - x
        g = capacity_left[helpers[k]] - (cum - x - head)
        granted[k] = min(max(g, 0.0), x)
    return granted


@_jit
def open_asks(is_requester, can_help, owner, other, asked):
    """Positions j of the half-edges a requester may still ask through: owner[j] is a
    requester, other[j] can help and j is not ``asked`` yet; equals
    ``np.flatnonzero(is_requester[owner] & can_help[other] & ~asked)``."""
    out = np.empty(len(owner), dtype=np.int64)
    k = 0
    for j in range(len(owner)):
        if is_requester[owner[j]] and can_help[other[j]] and not asked[j]:
            out[k] = j
            k += 1
    return out[:k]


@_jit
def true_per_row(indptr, mask):
    """For each row (owner slot): how many of its half-edges are set in ``mask``;
    equals ``np.bincount(owner[mask], minlength=n)``."""
    n = len(indptr) - 1
    out = np.zeros(n, dtype=np.int64)
    for i in range(n):
        c = 0
        for p in range(indptr[i], indptr[i + 1]):
            c += mask[p]
        out[i] = c
    return out


@_jit
def flagged_per_row(indptr, other, flag):
    """For each row (owner slot): how many of its half-edges point to a slot whose
    ``flag`` is set, as floats; equals
    ``np.bincount(owner, weights=flag[other], minlength=n)`` without the gathered
    temporary."""
    n = len(indptr) - 1
    out = np.zeros(n)
    for i in range(n):
        c = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            if flag[other[p]]:
                c += 1.0
        out[i] = c
    return out


@_jit
def twice_triangles(indptr, other, nodes):
    """For each node u: Σ over its ties v of |N(u) ∩ N(v)|, i.e. twice the number of
    triangles through u (no self-ties). u's neighbours are marked, then each
    neighbour's row is scanned for marks: Σ deg(v) steps per node."""
    out = np.zeros(len(nodes))
    mark = np.zeros(len(indptr) - 1, dtype=np.bool_)
    for j in range(len(nodes)):
        u = nodes[j]
        a0 = indptr[u]
        a1 = indptr[u + 1]
        for p in range(a0, a1):
            mark[other[p]] = True
        t = 0
        for p in range(a0, a1):
            v = other[p]
            for k in range(indptr[v], indptr[v + 1]):
                t += mark[other[k]]
        for p in range(a0, a1):
            mark[other[p]] = False
        out[j] = t
    return out


@_jit
def scatter_add(target, idx, values):
    """target[idx[j]] += values[j] in order j = 0, 1, … (np.add.at semantics)."""
    n = len(target)
    for j in range(len(idx)):
        i = idx[j]
        if i < -n or i >= n:
            raise IndexError("index out of range in scatter_add")
        target[i] += values[j]


@_jit
def scatter_add_2d(target, rows, cols, values):
    """target[rows[j], cols[j]] += values[j] in order (np.add.at semantics)."""
    n, k = target.shape
    for j in range(len(rows)):
        r = rows[j]
        c = cols[j]
        if r < -n or r >= n or c < -k or c >= k:
            raise IndexError("index out of range in scatter_add_2d")
        target[r, c] += values[j]


@_jit
def rows_edges(indptr, rows):
    """Indices of the half-edges of ``rows`` (in the given order of rows): the
    concatenated slices indptr[r]:indptr[r + 1]."""
    total = 0
    for j in range(len(rows)):
        total += indptr[rows[j] + 1] - indptr[rows[j]]
    out = np.empty(total, dtype=np.int64)
    o = 0
    for j in range(len(rows)):
        for e in range(indptr[rows[j]], indptr[rows[j] + 1]):
            out[o] = e
            o += 1
    return out


@_jit
def segment_first_max(groups, score):
    """Position of the highest score within each run of equal ``groups`` (the first
    such position if scores tie); a run holding a NaN score has none."""
    out = np.empty(len(groups), dtype=np.int64)
    m = 0
    j = 0
    while j < len(groups):
        g = groups[j]
        best = j
        nan = score[j] != score[j]
        k = j + 1
        while k < len(groups) and groups[k] == g:
            if score[k] != score[k]:
                nan = True
            elif score[k] > score[best] or score[best] != score[best]:
                best = k
            k += 1
        if not nan:
            out[m] = best
            m += 1
        j = k
    return out[:m]


def warm_up() -> None:
    """Compile every kernel (or load it from the on-disk cache) for the argument
    types the model passes, by running each once on a tiny network: three ties among
    four slots. A sweep calls this before it forks its workers, so that they inherit
    the compiled code instead of each loading it again (benchmarks/results.md,
    "Compiled kernels").

    The kernels are called directly, with the half-edge buffers in the dtypes
    ``sim.core.state.TIE_FIELDS`` declares, not through ``sim.core.network.EdgeStore``: this
    module then imports nothing of the model's and stays the bottom layer that
    sim.core.network and sim.core.util build on (and importing it costs no more than numba).
    tests/test_kernels.py checks that a run afterwards needs no signature compiled
    here missed, so a field whose dtype changes fails there."""
    n, length, week = 4, 6, 1
    # the nine half-edge buffers, filled to the brim by the insertion below:
    # 32-bit slots and weeks, 8-bit kinds, 64-bit reals
    owner, other, kind = np.zeros(length, np.int32), np.zeros(length, np.int32), np.zeros(length, np.int8)
    strength, last_contact = np.zeros(length), np.zeros(length, np.int32)
    success, failure, stamp, owed = np.zeros(length), np.zeros(length), np.zeros(length, np.int32), np.zeros(length)
    buffers = (owner, other, kind, strength, last_contact, success, failure, stamp, owed)
    indptr = np.zeros(n + 1, dtype=np.int64)
    # the ties {0, 1}, {0, 2}, {1, 2} as half-edges sorted by (owner, other), as EdgeStore.add passes them
    owners = np.array([0, 0, 1, 1, 2, 2], dtype=np.int64)
    others = np.array([1, 2, 0, 2, 0, 1], dtype=np.int64)
    lo, hi = owners[:3].copy(), others[:3].copy()
    untied_pairs(indptr, other[:0], lo, hi)
    insert_ties(
        *buffers,
        0,
        indptr,
        owners,
        others,
        np.zeros(length, dtype=np.int8),
        np.full(length, 0.5),
        0,
        np.full(n, 0.5),
        1.0,
    )
    # what EdgeStore's lazily decayed reads, contacts and observations pass
    table = np.power(np.full(n, 0.9)[:, None], np.arange(4)[None, :])
    factor = np.power(np.array([0.9])[:, None], np.arange(4)[None, :])[0]
    edges = find_in_rows(indptr, other, np.array([0, 1], dtype=np.int64), np.array([1, 2], dtype=np.int64))
    twins = find_in_rows(indptr, other, np.array([1, 2], dtype=np.int64), np.array([0, 1], dtype=np.int64))
    every = np.zeros(0, dtype=np.int64)
    decayed_strength(strength, last_contact, kind, table, week, every, True)
    touch_edges(strength, last_contact, kind, table, week, edges, twins, 0.1)
    trust_expectation(success, failure, stamp, factor, week, every, True)
    forgotten_counts(success, failure, stamp, factor, week, edges, False)  # not on the weekly path; for analysis
    views_of(
        indptr,
        other,
        success,
        failure,
        stamp,
        owed,
        factor,
        week,
        np.array([0, 3], dtype=np.int64),
        np.array([1, 0], dtype=np.int64),
        np.full(2, 0.5),
    )
    record_observations(success, failure, stamp, factor, week, edges, np.array([True, False]))
    rows_edges(indptr, np.array([0, 2], dtype=np.int64))
    # what the submodels and sim.core.util pass
    twice_triangles(indptr, other, np.arange(n, dtype=np.int64))
    flagged_per_row(indptr, other, np.ones(n, dtype=bool))
    true_per_row(indptr, np.ones(length, dtype=bool))
    segment_first_max(owner, np.linspace(0.0, 1.0, length))
    open_asks(np.ones(n, dtype=bool), np.ones(n, dtype=bool), owner, other, np.zeros(length, dtype=bool))
    scatter_add(np.zeros(n), np.array([1, 1], dtype=np.int64), np.array([1.0, 2.0]))
    serve_in_order(np.array([1, 1], dtype=np.int64), np.array([1.0, 2.0]), np.full(n, 2.0), np.array([1, 0]))
    scatter_add_2d(
        np.zeros((n, 2), order="F"), np.array([1, 1], dtype=np.int64), np.array([0, 1], dtype=np.int64), np.ones(2)
    )
    remove_ties(*buffers, length, indptr, np.array([0, 2], dtype=np.int64))

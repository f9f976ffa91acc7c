"""The compiled loops (sim.core.kernels) give exactly what the numpy formulas give.

Each kernel is checked, bit for bit, against the numpy expression it replaced, on
random networks built through the EdgeStore, so that the model's numbers do not
depend on whether the loops are compiled."""

import json
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import ROOT

from sim.core import kernels
from sim.core.network import EdgeStore
from sim.core.util import add_at
from sim.submodels.observation import average_clustering

DECAY = np.array([0.05, 0.1, 0.2, 0.3])


def random_store(seed: int, n: int = 60, weeks: int = 30) -> EdgeStore:
    """A store grown and pruned over ``weeks`` with contacts and trust records, so that
    stamps, kinds and counts all differ across half-edges."""
    rng = np.random.default_rng(seed)
    net = EdgeStore(n)
    for week in range(weeks):
        m = 25
        net.add(
            rng.integers(0, n, m),
            rng.integers(0, n, m),
            rng.integers(0, 4, m),
            rng.random(m),
            week,
            owner_trust=rng.random(n),
            prior_weight=2.0,
        )
        if len(net):
            net.remove(rng.random(len(net)) < 0.05)
            idx = rng.integers(0, len(net), 10)
            net.touch(week, DECAY, idx, 0.3)
            net.record_trust(week, 0.95, rng.integers(0, len(net), 10), rng.random(10) < 0.7)
    return net


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_decayed_strength_and_trust_equal_the_numpy_formulas(seed):
    net = random_store(seed)
    week = 40
    elapsed = week - net.last_contact
    table = np.power((1.0 - DECAY)[:, None], np.arange(64)[None, :])
    expected = net.strength * table[net.kind, elapsed]
    assert np.array_equal(net.strength_now(week, DECAY), expected)
    idx = np.random.default_rng(seed).integers(0, len(net), 50)
    assert np.array_equal(net.strength_now(week, DECAY, idx), expected[idx])
    assert np.array_equal(net.strength_now(week, DECAY, idx[:10].reshape(2, 5)), expected[idx[:10]].reshape(2, 5))
    mask = np.arange(len(net)) % 3 == 0
    assert np.array_equal(net.strength_now(week, DECAY, mask), expected[mask])
    assert np.array_equal(net.strength_now(week, DECAY, slice(5, 20)), expected[5:20])

    f = np.power(np.array([0.95])[:, None], np.arange(64)[None, :])[0, week - net.trust_week]
    r, s = net.trust_success * f, net.trust_failure * f
    got_r, got_s = net.trust_counts(week, 0.95, slice(None))
    assert np.array_equal(got_r, r) and np.array_equal(got_s, s)
    assert np.array_equal(net.trust_expectation(week, 0.95, slice(None)), (r + 1.0) / (r + s + 2.0))
    assert np.array_equal(net.trust_expectation(week, 0.95, idx), ((r + 1.0) / (r + s + 2.0))[idx])


def test_reading_a_week_before_a_stamp_is_an_error():
    net = EdgeStore(2)
    net.add(np.array([0]), np.array([1]), 0, 0.5, week=5)
    with pytest.raises(ValueError, match="stamped after"):
        net.strength_now(3, DECAY)


@pytest.mark.parametrize("seed", [1, 2])
def test_find_in_rows_equals_search_on_sorted_keys(seed):
    net = random_store(seed)
    key = net.owner * net.n + net.other
    assert (np.diff(key) > 0).all()
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, net.n, 500), rng.integers(0, net.n, 500)
    a = np.concatenate([a, net.owner[:50]])
    b = np.concatenate([b, net.other[:50]])
    q = a * net.n + b
    pos = np.minimum(np.searchsorted(key, q), len(key) - 1)
    expected = np.where(key[pos] == q, pos, -1)
    assert np.array_equal(net.find(a, b), expected)
    assert (net.find(a[-50:], b[-50:]) == np.arange(50)).all()
    # slots outside the community have no ties (a key search would alias them)
    assert net.find(np.array([-1, net.n, 1, 1]), np.array([0, 0, -1, net.n])).tolist() == [-1] * 4


def test_adding_ties_to_slots_outside_the_community_is_an_error():
    net = EdgeStore(3)
    with pytest.raises(IndexError, match="slots 0..2"):
        net.add(np.array([0]), np.array([3]), 0, 0.5, week=0)


def test_insert_and_delete_in_place_keep_the_old_order():
    rng = np.random.default_rng(0)
    old = np.sort(rng.random(40))
    values = np.sort(rng.random(7))
    at_new = np.searchsorted(old, values) + np.arange(7)
    buf = np.full(50, -1.0)
    buf[:40] = old
    kernels._insert_sorted(buf, 40, values, at_new)
    assert np.array_equal(buf[:47], np.sort(np.concatenate([old, values])))
    assert (buf[47:] == -1.0).all()  # the spare room is untouched
    kernels._delete_sorted(buf, 47, at_new)
    assert np.array_equal(buf[:40], old)
    # by hand: [a b c] + x at 0 and y at 3 -> [x a b y c]; deleting positions 1 and 4 -> [x b y]
    small = np.array([1.0, 2.0, 3.0, 0.0, 0.0])
    kernels._insert_sorted(small, 3, np.array([9.0, 8.0]), np.array([0, 3]))
    assert small.tolist() == [9.0, 1.0, 2.0, 8.0, 3.0]
    kernels._delete_sorted(small, 5, np.array([1, 4]))
    assert small[:3].tolist() == [9.0, 2.0, 8.0]
    kernels._insert_sorted(small, 3, values[:0], at_new[:0])  # nothing to insert or delete
    kernels._delete_sorted(small, 3, at_new[:0])
    assert small[:3].tolist() == [9.0, 2.0, 8.0]
    with pytest.raises(IndexError, match="no room"):
        kernels._insert_sorted(small, 5, np.array([1.0]), np.array([5]))


def test_a_store_survives_pickling_and_keeps_growing():
    import pickle

    net = random_store(4)
    copy = pickle.loads(pickle.dumps(net))
    for name in ("owner", "other", "strength", "owed"):
        assert np.array_equal(getattr(copy, name), getattr(net, name))
    for store in (net, copy):  # the copy's fields are views of its own buffers
        store.add(np.arange(10), np.arange(10, 20), 1, 0.4, 30)
        store.remove(store.strength < 0.2)
        store.touch(30, DECAY, np.arange(5), 0.3)
    for name in ("owner", "other", "kind", "strength", "last_contact", "owed"):
        assert np.array_equal(getattr(copy, name), getattr(net, name))
    assert np.array_equal(copy.indptr, net.indptr)


@pytest.mark.parametrize("seed", [1, 4])
def test_triangle_counts_equal_the_sparse_product_and_networkx(seed):
    net = random_store(seed, n=40, weeks=40)
    adj = sp.csr_matrix((np.ones(len(net)), net.other, net.indptr), shape=(net.n, net.n))
    expected = np.asarray((adj @ adj).multiply(adj).sum(axis=1)).ravel()
    nodes = np.arange(net.n)
    assert np.array_equal(kernels.twice_triangles(net.indptr, net.other, nodes), expected)
    g = nx.Graph()
    g.add_nodes_from(range(net.n))
    g.add_edges_from(zip(net.owner.tolist(), net.other.tolist()))
    assert average_clustering(net, nodes) == pytest.approx(nx.average_clustering(g), abs=1e-12)


def test_add_at_is_bit_identical_to_numpy_add_at_with_repeats():
    rng = np.random.default_rng(5)
    idx = rng.integers(0, 20, 500)  # many repeats: the order of the sums matters
    x = rng.random(500) * 1e3
    a = rng.random(20)
    b = a.copy()
    np.add.at(a, idx, x)
    add_at(b, idx, x)
    assert np.array_equal(a, b)
    m1 = np.asfortranarray(rng.random((20, 4)))
    m2 = m1.copy(order="F")
    t = rng.integers(0, 4, 500)
    np.add.at(m1, (idx, t), x)
    add_at(m2, (idx, t), x)
    assert np.array_equal(m1, m2)
    c = np.zeros(20)
    add_at(c, idx, 1.0)
    assert np.array_equal(c, np.bincount(idx, minlength=20).astype(float))
    with pytest.raises(IndexError):
        add_at(c, np.array([20]), 1.0)


def test_edges_of_slots_are_their_rows_in_order():
    net = random_store(6)
    slots = np.array([3, 7, 8, 20, 41])
    assert np.array_equal(net.edges_of(slots), np.flatnonzero(np.isin(net.owner, slots)))
    assert np.array_equal(net.owner[net.edges_of(np.array([8, 3]))], np.repeat([8, 3], net.degree()[[8, 3]]))
    assert len(net.edges_of(np.zeros(0, dtype=np.int64))) == 0


WARM_UP_CHECK = """
import json, sys
from sim.core import kernels
from sim.core.model import CommunityModel
from sim.inputs.scenario import load_scenario
kernels.warm_up()
dispatchers = {name: obj for name, obj in vars(kernels).items() if hasattr(obj, "signatures") and name[0] != "_"}
before = {name: sorted(map(str, d.signatures)) for name, d in dispatchers.items()}
sc = load_scenario(sys.argv[1], ["community.residents=120", "simulation.weeks=30"])
CommunityModel(sc, rng=3).run()
after = {name: sorted(map(str, d.signatures)) for name, d in dispatchers.items()}
print(json.dumps([before, after]))
"""


def test_warm_up_compiles_every_kernel_for_the_types_a_run_uses():
    """A sweep compiles the kernels before forking its workers: a run afterwards must
    need no signature the warm-up did not compile (else each worker compiles again).
    Checked in a fresh interpreter, where no other test has compiled anything."""
    out = subprocess.run(
        [sys.executable, "-c", WARM_UP_CHECK, str(ROOT / "scenarios" / "full_package.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    before, after = json.loads(out.stdout.strip().splitlines()[-1])
    assert all(before.values()), [name for name, sigs in before.items() if not sigs]
    assert after == before


def numpy_segment_first_max(groups, score):
    """The numpy formula the kernel replaced."""
    first = np.r_[True, groups[1:] != groups[:-1]] if len(groups) else np.zeros(0, bool)
    best = np.maximum.reduceat(score, np.flatnonzero(first)) if len(groups) else score
    at_best = np.flatnonzero(score == best[np.cumsum(first) - 1])
    g = groups[at_best]
    return at_best[np.r_[True, g[1:] != g[:-1]]] if len(at_best) else at_best


@pytest.mark.parametrize("seed", range(5))
def test_segment_first_max_equals_the_numpy_formula(seed):
    rng = np.random.default_rng(seed)
    groups = np.sort(rng.integers(0, 30, 200))
    score = rng.integers(0, 4, 200).astype(float)  # many ties within runs
    score[rng.random(200) < 0.05] = -np.inf
    score[rng.random(200) < 0.02] = np.nan
    got = kernels.segment_first_max(groups, score)
    assert np.array_equal(got, numpy_segment_first_max(groups, score))
    # by hand: runs [5, 5, 5], [7], [9, 9]: first maximum of each, none for the NaN run
    assert kernels.segment_first_max(
        np.array([5, 5, 5, 7, 9, 9]), np.array([1.0, 3.0, 3.0, -np.inf, np.nan, 2.0])
    ).tolist() == [1, 3]
    assert len(kernels.segment_first_max(np.zeros(0, dtype=np.int64), np.zeros(0))) == 0


def numpy_serve_in_random_order(helpers, hours, capacity_left, priority):
    """The numpy formula the kernel replaced: sort by (helper, priority), hours
    before each request from the cumulative sum, clip to the capacity left."""
    order = np.lexsort((priority, helpers))
    h_sorted, x_sorted = helpers[order], hours[order]
    cum = np.cumsum(x_sorted)
    starts = np.r_[True, h_sorted[1:] != h_sorted[:-1]] if len(order) else np.zeros(0, dtype=bool)
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(h_sorted)), 0))
    before = cum - x_sorted - (cum[group_start] - x_sorted[group_start])
    granted = np.empty(len(order))
    granted[order] = np.clip(capacity_left[h_sorted] - before, 0.0, x_sorted)
    return granted


@pytest.mark.parametrize("seed", range(4))
def test_serving_queues_is_bit_identical_to_the_numpy_formula(seed):
    from sim.submodels.helping import serve_in_random_order

    rng = np.random.default_rng(seed)
    m, slots = 500, 60
    helpers = rng.integers(0, slots, m)
    hours = rng.choice([0.5, 1.0, 1.5, 2.0, 4.0], m) * rng.random(m)
    capacity = rng.random(slots) * 6.0
    for priority in (
        rng.random(m),  # distinct, as the model draws them
        rng.integers(0, 50, m).astype(float),
    ):  # many ties: broken by request order
        got = serve_in_random_order(helpers, hours, capacity, priority)
        assert np.array_equal(got, numpy_serve_in_random_order(helpers, hours, capacity, priority))
    # conservation: nobody gets more than asked, no helper gives more than capacity
    assert (got >= 0).all() and (got <= hours).all()
    assert (np.bincount(helpers, got, minlength=slots) <= capacity + 1e-12).all()
    assert len(serve_in_random_order(np.zeros(0, dtype=np.int64), np.zeros(0), capacity, np.zeros(0))) == 0


@pytest.mark.parametrize("seed", range(3))
def test_flagged_ties_per_row_equal_the_weighted_bincount(seed):
    net = random_store(seed)
    flag = np.random.default_rng(seed).random(net.n) < 0.4
    got = kernels.flagged_per_row(net.indptr, net.other, flag)
    assert np.array_equal(got, np.bincount(net.owner, weights=flag[net.other], minlength=net.n))
    # by hand: slot 0 tied to 1 and 2, slot 1 to 0, slot 2 to 0; only slot 2 flagged
    small = EdgeStore(3)
    small.add(np.array([0, 0]), np.array([1, 2]), 0, 0.5, 0)
    assert kernels.flagged_per_row(small.indptr, small.other, np.array([False, False, True])).tolist() == [
        1.0,
        0.0,
        0.0,
    ]


@pytest.mark.parametrize("seed", range(3))
def test_marked_half_edges_per_row_equal_the_bincount(seed):
    net = random_store(seed)
    mask = np.random.default_rng(seed).random(len(net)) < 0.3
    got = kernels.true_per_row(net.indptr, mask)
    assert np.array_equal(got, np.bincount(net.owner[mask], minlength=net.n))
    # by hand: slot 0's row is (0→1, 0→2), slot 1's (1→0), slot 2's (2→0)
    small = EdgeStore(3)
    small.add(np.array([0, 0]), np.array([1, 2]), 0, 0.5, 0)
    assert kernels.true_per_row(small.indptr, np.array([True, True, False, True])).tolist() == [2, 0, 1]


@pytest.mark.parametrize("seed", range(3))
def test_contacts_and_trust_records_equal_the_numpy_formulas(seed):
    """touch and record_trust (one compiled pass each) against the numpy formulas they
    replaced: distinct half-edges decayed or forgotten once, observations added in order."""
    net = random_store(seed)
    rng = np.random.default_rng(100 + seed)
    week = 35
    idx = rng.integers(0, len(net), 40)  # with repeats
    twins = net.find(net.other[idx], net.owner[idx])
    expected = net.strength.copy(), net.last_contact.copy()
    both = np.unique(np.concatenate([idx, twins[twins >= 0]]))
    s = net.strength_now(week, DECAY, both)
    expected[0][both] = s + 0.25 * (1.0 - s)
    expected[1][both] = week
    net.touch(week, DECAY, idx, 0.25)
    assert np.array_equal(net.strength, expected[0]) and np.array_equal(net.last_contact, expected[1])

    ok = rng.random(40) < 0.6
    uniq = np.unique(idx)
    r, f = net.trust_counts(week, 0.9, uniq)
    success, failure, stamp = net.trust_success.copy(), net.trust_failure.copy(), net.trust_week.copy()
    success[uniq], failure[uniq], stamp[uniq] = r, f, week
    np.add.at(success, idx, ok.astype(float))
    np.add.at(failure, idx, (~ok).astype(float))
    net.record_trust(week, 0.9, idx, ok)
    assert np.array_equal(net.trust_success, success) and np.array_equal(net.trust_failure, failure)
    assert np.array_equal(net.trust_week, stamp)


@pytest.mark.parametrize("seed", range(3))
def test_open_asks_equal_the_numpy_formula(seed):
    net = random_store(seed)
    rng = np.random.default_rng(seed)
    is_req, can_help, asked = rng.random(net.n) < 0.4, rng.random(net.n) < 0.6, rng.random(len(net)) < 0.3
    expected = np.flatnonzero(is_req[net.owner] & can_help[net.other] & ~asked)
    assert np.array_equal(kernels.open_asks(is_req, can_help, net.owner, net.other, asked), expected)

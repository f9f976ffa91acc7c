"""The CSR half-edge store: structure, lazy decay and Beta-reputation trust."""

import numpy as np
import pytest

from sim.core.network import EXCHANGE, FRIEND, NEIGHBOUR, EdgeStore

DECAY = np.array([0.1, 0.2, 0.2, 0.2])


def test_adding_a_tie_creates_both_half_edges_sorted_by_owner():
    net = EdgeStore(4)
    added = net.add(np.array([2, 0]), np.array([1, 3]), NEIGHBOUR, 0.5, week=0)
    assert added.all()
    assert net.n_ties == 2
    assert list(zip(net.owner.tolist(), net.other.tolist())) == [(0, 3), (1, 2), (2, 1), (3, 0)]
    assert net.degree().tolist() == [1, 1, 1, 1]
    assert net.neighbours(2).tolist() == [1]


def test_duplicate_self_and_existing_ties_are_not_added():
    net = EdgeStore(3)
    net.add(np.array([0]), np.array([1]), FRIEND, 0.5, week=0)
    added = net.add(np.array([1, 2, 0, 2]), np.array([0, 2, 2, 0]), FRIEND, 0.5, week=1)
    assert added.tolist() == [False, False, True, False]
    assert net.n_ties == 2


def test_find_returns_minus_one_for_missing_pairs():
    net = EdgeStore(3)
    net.add(np.array([0]), np.array([2]), FRIEND, 0.5, week=0)
    idx = net.find(np.array([0, 2, 0]), np.array([2, 0, 1]))
    assert idx[0] >= 0 and idx[1] >= 0 and idx[2] == -1


def test_removing_a_half_edge_removes_its_twin():
    net = EdgeStore(3)
    net.add(np.array([0, 1]), np.array([1, 2]), FRIEND, 0.5, week=0)
    drop = np.zeros(len(net), dtype=bool)
    drop[net.find(np.array([0]), np.array([1]))] = True
    net.remove(drop)
    assert net.n_ties == 1
    assert net.find(np.array([1]), np.array([0]))[0] == -1


def test_removing_half_edges_by_index_takes_twins_and_tolerates_repeats():
    net = EdgeStore(4)
    net.add(np.array([0, 1, 2]), np.array([1, 2, 3]), FRIEND, 0.5, week=0)
    e01, e32 = net.find(np.array([0, 3]), np.array([1, 2]))
    net.remove_edges(np.array([e32, e01, e01]))  # both directions of two ties, one index twice
    assert net.n_ties == 1 and net.degree().tolist() == [0, 1, 1, 0]
    assert net.find(np.array([1, 2]), np.array([2, 1])).tolist() == [0, 1]
    net.remove_edges(np.zeros(0, dtype=np.int64))
    assert net.n_ties == 1


def test_leaving_residents_take_their_ties_with_them():
    net = EdgeStore(4)
    net.add(np.array([0, 0, 2]), np.array([1, 2, 3]), NEIGHBOUR, 0.5, week=0)
    net.remove_residents(np.array([0]))
    assert net.n_ties == 1 and net.degree().tolist() == [0, 0, 1, 1]


def test_strength_decays_geometrically_without_contact():
    net = EdgeStore(2)
    net.add(np.array([0]), np.array([1]), NEIGHBOUR, 0.8, week=0)
    assert net.strength_now(3, DECAY)[0] == pytest.approx(0.8 * 0.9**3)


def test_contact_decays_then_closes_the_gap_once_for_both_ends():
    net = EdgeStore(2)
    net.add(np.array([0]), np.array([1]), EXCHANGE, 0.5, week=0)
    e = net.find(np.array([0, 0]), np.array([1, 1]))  # two contacts in one week
    net.touch(2, DECAY, e, boost=0.5)
    expected = 0.5 * 0.8**2
    expected += 0.5 * (1 - expected)
    assert net.strength_now(2, DECAY).tolist() == pytest.approx([expected, expected])


def test_beta_trust_with_forgetting_matches_hand_computation():
    net = EdgeStore(2)
    net.add(np.array([0]), np.array([1]), FRIEND, 0.5, week=0, owner_trust=np.array([1.0, 0.5]), prior_weight=2.0)
    e = net.find(np.array([0]), np.array([1]))
    # prior counts (2, 0) at week 0; at week 10 with λ = 0.9: r = 2·0.9^10, s = 0
    net.record_trust(10, 0.9, e, np.array([False]))
    r, s = 2 * 0.9**10, 1.0
    assert net.trust_expectation(10, 0.9, e)[0] == pytest.approx((r + 1) / (r + s + 2))
    # the other end's view is its own prior (1, 1) and untouched
    twin = net.find(np.array([1]), np.array([0]))
    assert net.trust_expectation(0, 0.9, twin)[0] == pytest.approx(2 / 4)


def test_row_index_follows_random_additions_and_removals():
    rng = np.random.default_rng(3)
    net = EdgeStore(30)
    for week in range(40):
        net.add(rng.integers(0, 30, 12), rng.integers(0, 30, 12), FRIEND, 0.5, week=week)
        if len(net):
            net.remove(rng.random(len(net)) < 0.1)
        if week % 7 == 0:
            net.remove_residents(rng.integers(0, 30, 2))
        rebuilt = np.concatenate([[0], np.cumsum(np.bincount(net.owner, minlength=30))])
        assert (net.indptr == rebuilt).all()
        assert all((net.neighbours(i) == net.other[net.owner == i]).all() for i in range(30))


def test_every_field_matches_a_dictionary_of_ties_through_random_additions_and_removals():
    """Reference: a plain dict (owner, other) -> fields, updated by the rules written
    out (first occurrence of a pair wins; Beta counts w·T, w·(1 − T) from the owner's
    trust; a removed half-edge takes its twin)."""
    rng = np.random.default_rng(11)
    n = 25
    trust = rng.random(n)
    net = EdgeStore(n)
    ref: dict[tuple[int, int], tuple] = {}
    for week in range(30):
        a, b = rng.integers(0, n, 15), rng.integers(0, n, 15)
        kind, strength = rng.integers(0, 4, 15).astype(np.int8), rng.random(15)
        added = net.add(a, b, kind, strength, week, owner_trust=trust, prior_weight=2.0)
        expect_added = []
        for k in range(15):
            lo, hi = min(a[k], b[k]), max(a[k], b[k])
            new = lo != hi and (lo, hi) not in ref
            expect_added.append(bool(new))
            if new:
                for i, j in ((lo, hi), (hi, lo)):
                    ref[(i, j)] = (kind[k], strength[k], week, 2.0 * trust[i], 2.0 * (1.0 - trust[i]), week, 0.0)
        assert added.tolist() == expect_added
        drop = rng.choice(len(net), size=min(4, len(net)), replace=True)
        for e in drop:
            i, j = int(net.owner[e]), int(net.other[e])
            ref.pop((i, j), None)
            ref.pop((j, i), None)
        net.remove_edges(drop)
        keys = sorted(ref)
        assert list(zip(net.owner.tolist(), net.other.tolist())) == keys
        fields = ("kind", "strength", "last_contact", "trust_success", "trust_failure", "trust_week", "owed")
        for f, name in enumerate(fields):
            assert getattr(net, name).tolist() == [ref[key][f] for key in keys], name
        assert net.indptr.tolist() == np.concatenate([[0], np.cumsum(np.bincount(net.owner, minlength=n))]).tolist()


def test_ties_without_trust_seeds_start_with_zero_counts_and_bad_lengths_are_refused():
    net = EdgeStore(4)
    net.add(np.array([0, 1]), np.array([1, 2]), np.array([1, 2], dtype=np.int8), np.array([0.3, 0.6]), week=5)
    # half-edges 0→1, 1→0, 1→2, 2→1
    assert net.kind.tolist() == [1, 1, 2, 2]
    assert net.strength.tolist() == [0.3, 0.3, 0.6, 0.6]
    assert (net.trust_success == 0).all() and (net.trust_failure == 0).all()
    with pytest.raises(ValueError, match="3 values for 2 pairs"):
        net.add(np.array([0, 2]), np.array([3, 3]), NEIGHBOUR, np.array([0.1, 0.2, 0.3]), week=6)


def test_a_residents_view_of_another_reads_trust_and_debt_of_the_tie_or_falls_back():
    net = EdgeStore(4)
    net.add(np.array([0]), np.array([1]), FRIEND, 0.5, week=0)
    net.record_trust(2, 0.5, net.find(np.array([0]), np.array([1])), np.array([True]))  # 0 trusts 1: r=1, s=0
    net.owed[net.find(np.array([0]), np.array([1]))] = 3.0
    trust, owed = net.views_of(np.array([0, 1, 2]), np.array([1, 0, 3]), 4, 0.5, np.array([0.1, 0.2, 0.3]))
    # two weeks of forgetting at 0.5: r = 0.25, s = 0 -> (0.25 + 1)/(0.25 + 2)
    assert trust[0] == pytest.approx(1.25 / 2.25) and trust[1] == pytest.approx(0.5) and trust[2] == 0.3
    assert owed.tolist() == [3.0, 0.0, 0.0]


def test_one_end_for_many_pairs_is_broadcast_and_a_short_trust_array_is_refused():
    net = EdgeStore(4)
    assert net.add(np.array([1, 2, 3]), 0, FRIEND, 0.5, week=0).all()
    assert net.neighbours(0).tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="2 values for 4 slots"):
        net.add(np.array([1]), np.array([2]), FRIEND, 0.5, week=0, owner_trust=np.ones(2), prior_weight=1.0)


def test_trust_records_need_one_outcome_per_half_edge():
    net = EdgeStore(3)
    net.add(np.array([0]), np.array([1]), FRIEND, 0.5, week=0)
    with pytest.raises(ValueError, match="1 outcomes for 2 half-edges"):
        net.record_trust(1, 0.9, np.array([0, 1]), np.array([True]))

"""Dashboard statistics on small arrays, checked by hand."""

import numpy as np

from ntm.core import dashboard
from ntm.core.criteria.engine import Status

M, N, X, E = Status.MET, Status.NOT_MET, Status.MISSING, Status.NOT_EVALUABLE


def test_tier_matrix_counts_each_unit_once_at_its_highest_tier():
    groups = np.array([0, 0, 0, 1, 1, -1])
    ranks = np.array([0, 1, 2, 3, 1, 2])  # the last unit belongs to no group
    assert dashboard.tier_matrix(groups, ranks, 3).tolist() == [
        [1, 1, 1, 0],
        [0, 1, 0, 1],
        [0, 0, 0, 0],
    ]


def test_at_or_above_counts_a_model_unit_as_standard_and_advanced_too():
    assert dashboard.at_or_above([0, 1, 2, 3, 3]) == {1: 4, 2: 3, 3: 2}


def test_met_distribution_has_one_bin_per_possible_count():
    assert dashboard.met_distribution([0, 3, 3, 2], total=3).tolist() == [1, 0, 1, 2]


def test_has_data_needs_one_criterion_met_or_not_met():
    statuses = np.array([[X, X, E], [X, N, E], [M, X, X]], dtype=np.int8)
    assert dashboard.has_data(statuses).tolist() == [False, True, True]


def test_hardest_criteria_rank_by_share_of_judged_units_not_meeting_it():
    statuses = np.array(
        [
            [M, N, N, X],
            [M, N, X, X],
            [N, M, X, X],
            [M, M, X, X],
        ],
        dtype=np.int8,
    )
    ranked = dashboard.hardest_criteria(statuses)
    # criterion 2: 1 of 1 judged fails (100%); criterion 1: 2 of 4 (50%); criterion 0: 1 of 4.
    assert [(r.index, r.not_met, r.judged, r.missing) for r in ranked] == [
        (2, 1, 1, 3),
        (1, 2, 4, 0),
        (0, 1, 4, 0),
        (3, 0, 0, 4),
    ]
    assert ranked[0].share == 1.0
    assert ranked[3].share is None


def test_group_means_and_counts():
    groups = np.array([0, 0, 1, -1])
    assert dashboard.group_means(groups, [10, 20, 5, 99], 3)[:2].tolist() == [15.0, 5.0]
    assert np.isnan(dashboard.group_means(groups, [10, 20, 5, 99], 3)[2])
    assert dashboard.group_counts(groups, [True, False, True, True], 3).tolist() == [1, 1, 0]


def test_ranks_on_a_day_apply_decisions_from_their_day_until_their_revocation():
    never = dashboard.NEVER
    position = np.array([0, 0, 1, 2])
    rank = np.array([1, 2, 1, 1])
    decided = np.array([10, 20, 10, 30])
    revoked = np.array([never, 25, never, never])
    assert dashboard.ranks_on(position, rank, decided, revoked, 3, 9).tolist() == [0, 0, 0]
    assert dashboard.ranks_on(position, rank, decided, revoked, 3, 20).tolist() == [2, 1, 0]
    assert dashboard.ranks_on(position, rank, decided, revoked, 3, 25).tolist() == [1, 1, 0]
    assert dashboard.ranks_on(position, rank, decided, revoked, 3, 30).tolist() == [1, 1, 1]

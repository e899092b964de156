"""Dashboard figures on a hand-made province (see dashboard_data for the table)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ntm.accounts.scope import Scope, scope_for_unit
from ntm.dashboards.dashboard import TierCounts, build_dashboard, trend_days
from ntm.dashboards.tests.dashboard_data import AS_OF, make_province
from ntm.units.models import AdminUnit

pytestmark = pytest.mark.django_db

D = dt.date
EVERYTHING = Scope(None)


@pytest.fixture
def units(tmp_path):
    return make_province(tmp_path)


def test_province_figures_on_a_date(units):
    board = build_dashboard(units["province"], scope=EVERYTHING, as_of=AS_OF)
    assert board.criteria_set.set_id == "test-big"
    assert board.assessed_level == "commune"
    assert board.tiers == TierCounts(none=3, standard=1, advanced=1, model=0)
    assert (board.tiers.at_standard, board.tiers.at_advanced, board.total_units) == (2, 1, 5)
    assert (board.with_data, board.no_data, board.urban) == (4, 1, 1)
    assert board.total_criteria == 16
    assert board.average_met == 12.75  # (12 + 16 + 15 + 8) / 4
    assert board.weak == 2  # Kỳ Lạc (12) and Thạch Bàn (8)
    assert board.distribution == [0] * 8 + [1, 0, 0, 0, 1, 0, 0, 1, 1]
    hardest = [(h.number, h.not_met, h.judged) for h in board.hardest]
    assert hardest[:4] == [("16", 3, 4), ("13", 2, 4), ("14", 2, 4), ("8", 1, 4)]
    assert hardest[-1] == ("7", 0, 4)
    assert board.hardest[0].share == 0.75


def test_groups_are_the_districts_with_their_communes_by_tier(units):
    board = build_dashboard(units["province"], scope=EVERYTHING, as_of=AS_OF)
    assert not board.children_are_assessed
    rows = {g.name: g for g in board.groups}
    assert list(rows) == ["Huyện Thạch Hà", "Huyện Kỳ Anh"]  # by official code: 440, 447
    ky_anh, thach_ha = rows["Huyện Kỳ Anh"], rows["Huyện Thạch Hà"]
    assert ky_anh.tiers == TierCounts(none=1, standard=1, advanced=1, model=0)
    assert (ky_anh.with_data, round(ky_anh.average_met, 2), ky_anh.weak) == (3, 14.33, 1)
    assert thach_ha.tiers == TierCounts(none=2, standard=0, advanced=0, model=0)
    assert (thach_ha.with_data, thach_ha.average_met, thach_ha.weak) == (1, 8.0, 1)


def test_a_district_lists_its_communes_one_by_one(units):
    board = build_dashboard(units["district"], scope=EVERYTHING, as_of=AS_OF)
    assert board.children_are_assessed and board.groups == []
    met = {u.name: (u.met, u.tier_rank) for u in board.units}
    assert met == {"Xã Kỳ Lạc": (12, 0), "Xã Kỳ Tây": (16, 2), "Xã Lâm Hợp": (15, 1)}
    assert board.urban == 1


def test_trends_give_tiers_at_each_year_end_and_criteria_met_where_there_is_data(units):
    board = build_dashboard(units["province"], scope=EVERYTHING, as_of=AS_OF)
    points = [
        (p.day, p.units, p.tiers.at_standard, p.with_data, p.average_met) for p in board.trends
    ]
    assert points == [
        (D(2018, 12, 31), 4, 1, 0, None),  # Lâm Hợp did not exist yet
        (D(2019, 12, 31), 5, 2, 0, None),
        (D(2020, 12, 31), 5, 3, 1, 16.0),  # Kỳ Tây certified on that day
        (D(2021, 12, 31), 5, 2, 4, 12.75),  # Thạch Hải's recognition revoked
    ]
    assert board.trends[2].criteria_set.set_id == "test-big"
    assert board.trends[0].criteria_set is None


def test_targets_against_the_tiers_reached_by_the_end_of_their_year(units):
    board = build_dashboard(units["province"], scope=EVERYTHING, as_of=AS_OF)
    targets = [
        (t.unit_name, t.tier, t.year, t.planned, t.reached, t.counted_on, t.is_due, t.is_met)
        for t in board.targets
    ]
    assert targets == [
        ("Huyện Kỳ Anh", "advanced", 2021, 2, 1, D(2021, 12, 31), True, False),
        ("Tỉnh Hà Tĩnh", "standard", 2022, 3, 2, AS_OF, False, False),
    ]
    own = [(t.tier, t.year, t.planned, t.reached, t.is_due) for t in board.own_targets]
    assert own == [("standard", 2020, 1, 1, True), ("standard", 2021, 1, 0, True)]


def test_the_set_asked_for_is_used_and_the_others_offered(units):
    board = build_dashboard(units["province"], scope=EVERYTHING, as_of=AS_OF, set_id="test-commune")
    assert board.criteria_set.set_id == "test-commune"
    assert [s.set_id for s in board.sets] == ["test-big", "test-commune"]
    assert board.total_criteria == 4
    assert board.weak is None  # a 4-criteria set has no "below 15"
    assert board.with_data == 0  # nothing was entered under it


def test_a_scoped_user_counts_only_units_in_scope(units):
    scope = scope_for_unit(units["district"].pk)
    board = build_dashboard(units["district"], scope=scope, as_of=AS_OF)
    assert board.total_units == 3
    # A scope holding only Kỳ Lạc sees one commune under the province.
    only = Scope(frozenset({units["province"].pk, units["district"].pk, units["ky_lac"].pk}))
    board = build_dashboard(units["province"], scope=only, as_of=AS_OF)
    assert [u.name for u in board.units] == ["Xã Kỳ Lạc"]
    assert [g.name for g in board.groups] == ["Huyện Kỳ Anh"]


def test_the_whole_country_groups_communes_by_province(units):
    board = build_dashboard(None, scope=EVERYTHING, as_of=AS_OF)
    assert [g.name for g in board.groups] == ["Tỉnh Hà Tĩnh"]
    assert board.groups[0].tiers.total == 5
    assert board.tiers.at_standard == 2


def test_queries_do_not_grow_with_the_number_of_communes(units):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            build_dashboard(units["province"], scope=EVERYTHING, as_of=AS_OF)
        return len(captured.captured_queries)

    before = count()
    district = units["thach_ha"]
    for n in range(30):
        AdminUnit.objects.create(
            name=f"Xã Mới {n}", short_name=f"Mới {n}", code=f"19{n:03d}", kind="commune",
            level="commune", parent=district, valid_to=district.valid_to, source="user",
        )  # fmt: skip
    assert count() == before
    assert before <= 20


def test_trend_days_are_year_ends_up_to_the_date_within_the_units_life(units):
    assert trend_days(D(2019, 5, 1), D(2021, 9, 25), None) == [
        D(2019, 12, 31),
        D(2020, 12, 31),
        D(2021, 9, 25),
    ]
    assert trend_days(None, D(2021, 9, 25), None) == [D(2021, 9, 25)]
    # Lâm Hợp exists from 1/12/2019: no point before.
    assert trend_days(D(2017, 1, 1), D(2020, 12, 31), units["lam_hop"]) == [
        D(2019, 12, 31),
        D(2020, 12, 31),
    ]


def test_the_figures_are_the_same_when_units_are_too_many_to_list(units, monkeypatch):
    from ntm.values import inputs

    normal = build_dashboard(units["province"], scope=EVERYTHING, as_of=AS_OF)
    monkeypatch.setattr(inputs, "LONG_LIST", 1)
    many = build_dashboard(units["province"], scope=EVERYTHING, as_of=AS_OF)
    assert many.tiers == normal.tiers == TierCounts(none=3, standard=1, advanced=1, model=0)
    assert (many.average_met, many.weak, many.distribution) == (
        normal.average_met,
        normal.weak,
        normal.distribution,
    )
    assert many.trends == normal.trends
    assert many.targets == normal.targets and many.own_targets == normal.own_targets

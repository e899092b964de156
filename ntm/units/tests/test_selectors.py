"""Read queries: code lookup across eras, details with history, search, counts."""

import datetime as dt

import pytest

from ntm.core.hierarchy import REFORM_2025, AmbiguousUnit, HierarchyError, UnknownUnit
from ntm.testing import make_ky_anh
from ntm.units import services
from ntm.units.models import ReorganizationEvent, Succession
from ntm.units.selectors import (
    active_units,
    find_unit,
    search_units,
    unit_detail,
    unit_stats,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ky_anh():
    units = make_ky_anh()
    event = ReorganizationEvent.objects.create(
        kind="merge", effective_date=REFORM_2025, legal_act_number="1665/NQ-UBTVQH15", source="user"
    )
    for old in (units["ky_lac"], units["lam_hop"]):
        Succession.objects.create(event=event, predecessor=old, successor=units["new_ky_lac"])
    return units


def test_code_18838_is_ambiguous_without_a_date_or_era(ky_anh):
    with pytest.raises(AmbiguousUnit) as error:
        find_unit("18838")
    assert [c.name for c in error.value.candidates] == ["Xã Lâm Hợp", "Xã Kỳ Lạc"]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        pytest.param({"on": dt.date(2021, 9, 25)}, "Xã Lâm Hợp", id="2021"),
        pytest.param({"on": dt.date(2025, 7, 1)}, "Xã Kỳ Lạc", id="reform day"),
        pytest.param({"era": "before-2025"}, "Xã Lâm Hợp", id="era as text"),
        pytest.param({"era": "from-2025", "level": "commune"}, "Xã Kỳ Lạc", id="era and level"),
    ],
)
def test_code_18838_resolves_with_a_date_or_era(ky_anh, arguments, expected):
    assert find_unit("18838", **arguments).name == expected


def test_unknown_codes_levels_and_eras_are_reported(ky_anh):
    with pytest.raises(
        UnknownUnit, match="No administrative unit had the code '18838' on 2019-01-01"
    ):
        find_unit("18838", on=dt.date(2019, 1, 1))
    with pytest.raises(HierarchyError, match="Unknown level 'xa'"):
        find_unit("18838", level="xa")
    with pytest.raises(HierarchyError, match="Unknown era '2025'"):
        find_unit("18838", era="2025")


def test_unit_detail_lists_parent_children_links_and_chains(ky_anh):
    detail = unit_detail(ky_anh["lam_hop"])
    assert detail.parent == ky_anh["district"]
    assert detail.children_on == dt.date(2025, 6, 30)
    assert [
        (link.unit.name, link.event.legal_act_number, link.is_partial) for link in detail.successors
    ] == [("Xã Kỳ Lạc", "1665/NQ-UBTVQH15", False)]
    assert detail.predecessors == []
    new = unit_detail(ky_anh["new_ky_lac"])
    assert [link.unit.name for link in new.predecessors] == ["Xã Kỳ Lạc", "Xã Lâm Hợp"]
    assert [u.name for u in new.predecessor_chain] == ["Xã Kỳ Lạc", "Xã Lâm Hợp"]
    district = unit_detail(ky_anh["district"], on=dt.date(2019, 6, 1))
    assert [u.name for u in district.children] == ["Xã Kỳ Lạc", "Xã Kỳ Tây"]


def test_chains_follow_several_events(ky_anh):
    renamed = services.record_rename(
        unit=ky_anh["new_ky_lac"],
        name="Phường Kỳ Lạc",
        kind="ward",
        effective_date=dt.date(2027, 1, 1),
    ).units[0]
    chain = unit_detail(ky_anh["lam_hop"]).successor_chain
    assert [(u.name, u.valid_from) for u in chain] == [
        ("Xã Kỳ Lạc", REFORM_2025),
        ("Phường Kỳ Lạc", dt.date(2027, 1, 1)),
    ]
    assert [u.name for u in unit_detail(renamed).predecessor_chain] == [
        "Xã Kỳ Lạc",
        "Xã Lâm Hợp",
        "Xã Kỳ Lạc",
    ]


def test_search_ignores_accents_and_case_and_filters_by_date(ky_anh):
    assert [(u.name, u.era.value) for u in search_units("ky lac")] == [
        ("Xã Kỳ Lạc", "before-2025"),
        ("Xã Kỳ Lạc", "from-2025"),
    ]
    assert [u.name for u in search_units("KỲ", on=dt.date(2021, 9, 25))] == [
        "Huyện Kỳ Anh",
        "Xã Kỳ Lạc",
        "Xã Kỳ Tây",
    ]
    assert search_units("   ") == []
    assert len(search_units("xa", limit=2)) == 2


def test_active_units_and_stats(ky_anh):
    assert sorted(u.name for u in active_units("commune", dt.date(2021, 9, 25))) == [
        "Xã Kỳ Lạc",
        "Xã Kỳ Tây",
        "Xã Lâm Hợp",
    ]
    assert [u.name for u in active_units("commune", dt.date(2026, 1, 1))] == ["Xã Kỳ Lạc"]
    assert unit_stats() == {
        "before-2025": {"province": 1, "district": 1, "commune": 3, "village": 0},
        "from-2025": {"province": 1, "district": 0, "commune": 1, "village": 0},
    }

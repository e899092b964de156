"""Recording merges, splits, renames and moves; villages, regions and commune groups."""

import datetime as dt

import pytest

from ntm.core.hierarchy import REFORM_2025, HierarchyError
from ntm.units import services
from ntm.units.models import AdminUnit, ReorganizationEvent, Succession
from ntm.units.selectors import find_unit
from ntm.units.services import ReorganizationRefused, UnitSpec

from .conftest import make_unit, snapshot

JAN_2025 = dt.date(2025, 1, 1)
LAW_1283 = {"legal_act_number": "1283/NQ-UBTVQH15", "legal_act_date": dt.date(2024, 11, 14)}


def parent_on(unit: AdminUnit, on: dt.date) -> str:
    """The name of the parent of the unit with this code as of a date."""
    record = find_unit(unit.code, on=on, level=unit.level)
    return AdminUnit.objects.get(pk=record.id).parent.name


def links(event: ReorganizationEvent) -> list[tuple[str, str, str, bool]]:
    return sorted(
        (s.predecessor.name, s.successor.name, str(s.successor.valid_from), s.is_partial)
        for s in event.successions.select_related("predecessor", "successor")
    )


def test_merge_into_an_absorbing_unit_closes_both_and_moves_communes_and_villages(ha_tinh, staff):
    result = services.record_merge(
        units=[ha_tinh.loc_ha],
        into=ha_tinh.thach_ha,
        effective_date=JAN_2025,
        issuer="Ủy ban Thường vụ Quốc hội",
        user=staff,
        **LAW_1283,
    )

    (new_thach_ha,) = result.units
    assert (new_thach_ha.code, new_thach_ha.name, new_thach_ha.parent) == (
        "445",
        "Huyện Thạch Hà",
        ha_tinh.province,
    )
    assert (new_thach_ha.valid_from, new_thach_ha.valid_to) == (JAN_2025, REFORM_2025)
    for old in (ha_tinh.loc_ha, ha_tinh.thach_ha):
        old.refresh_from_db()
        assert old.valid_to == JAN_2025
    event = result.event
    assert (event.kind, event.legal_act_number, event.recorded_by, event.source) == (
        "merge",
        "1283/NQ-UBTVQH15",
        staff,
        "event",
    )
    assert links(event) == [
        ("Huyện Lộc Hà", "Huyện Thạch Hà", "2025-01-01", False),
        ("Huyện Thạch Hà", "Huyện Thạch Hà", "2025-01-01", False),
    ]
    assert sorted((u.name, u.parent.name) for u in result.moved) == [
        ("Thôn Bắc", "Xã Thạch Châu"),
        ("Thôn Nam", "Xã Thạch Châu"),
        ("Xã Hộ Độ", "Huyện Thạch Hà"),
        ("Xã Thạch Châu", "Huyện Thạch Hà"),
        ("Xã Thạch Hải", "Huyện Thạch Hà"),
        ("Xã Thạch Kim", "Huyện Thạch Hà"),
        ("Xóm 1", "Xã Hộ Độ"),
    ]
    assert {u.valid_from for u in result.moved} == {JAN_2025}
    assert (result.move_event.kind, result.move_event.effective_date) == ("move", JAN_2025)
    assert result.move_event.successions.count() == 7
    assert parent_on(ha_tinh.thach_chau, dt.date(2024, 12, 31)) == "Huyện Lộc Hà"
    assert parent_on(ha_tinh.thach_chau, JAN_2025) == "Huyện Thạch Hà"
    new_thach_chau = find_unit("18600", on=JAN_2025)
    villages = AdminUnit.objects.filter(parent_id=new_thach_chau.id).order_by("name")
    assert [(v.name, v.valid_from, v.valid_to) for v in villages] == [
        ("Thôn Bắc", JAN_2025, REFORM_2025),
        ("Thôn Nam", JAN_2025, REFORM_2025),
    ]


def test_merge_into_a_new_unit_after_adding_the_historical_communes(ha_tinh):
    ky_lam = services.add_historical_unit(
        name="Xã Kỳ Lâm", kind="commune", valid_from=None, valid_to=None, parent=ha_tinh.ky_anh
    )
    ky_hop = services.add_historical_unit(
        name="Xã Kỳ Hợp", kind="commune", valid_from=None, valid_to=None, parent=ha_tinh.ky_anh
    )
    thon_1 = make_unit("Thôn 1", "village", ky_lam)

    result = services.record_merge(
        units=[ky_lam, ky_hop],
        new_unit=UnitSpec(name="Xã Lâm Hợp", kind="commune", code="18838"),
        effective_date=dt.date(2020, 1, 1),
        legal_act_number="819/NQ-UBTVQH14",
        confidence="partial",
    )

    (lam_hop,) = result.units
    assert (lam_hop.name, lam_hop.short_name, lam_hop.code, lam_hop.parent) == (
        "Xã Lâm Hợp",
        "Lâm Hợp",
        "18838",
        ha_tinh.ky_anh,
    )
    # The historical communes ended with their district at the latest, and so does the
    # merged unit; it inherits their common region.
    assert (ky_lam.valid_to, lam_hop.valid_from, lam_hop.valid_to, lam_hop.region) == (
        REFORM_2025,
        dt.date(2020, 1, 1),
        REFORM_2025,
        "BTB",
    )
    assert links(result.event) == [
        ("Xã Kỳ Hợp", "Xã Lâm Hợp", "2020-01-01", False),
        ("Xã Kỳ Lâm", "Xã Lâm Hợp", "2020-01-01", False),
    ]
    assert result.event.confidence == "partial"
    assert [(u.name, u.parent_id) for u in result.moved] == [("Thôn 1", lam_hop.pk)]
    thon_1.refresh_from_db()
    assert thon_1.valid_to == dt.date(2020, 1, 1)


def test_a_merge_repoints_later_successions_to_the_merged_unit(ha_tinh):
    """Old communes already linked to their 2025 successor: the merged unit now carries the link."""
    province_2025 = make_unit(
        "Tỉnh Hà Tĩnh", "province", code="42", valid_from=REFORM_2025, valid_to=None
    )
    ky_lac_2025 = make_unit(
        "Xã Kỳ Lạc", "commune", province_2025, code="18838", valid_from=REFORM_2025, valid_to=None
    )
    reform = ReorganizationEvent.objects.create(
        kind="merge", effective_date=REFORM_2025, source="package", source_key="x"
    )
    for old in (ha_tinh.ky_lac, ha_tinh.ky_tay):
        Succession.objects.create(event=reform, predecessor=old, successor=ky_lac_2025)

    result = services.record_merge(
        units=[ha_tinh.ky_tay],
        into=ha_tinh.ky_lac,
        effective_date=dt.date(2024, 6, 1),
    )

    (new_ky_lac,) = result.units
    assert links(reform) == [("Xã Kỳ Lạc", "Xã Kỳ Lạc", "2025-07-01", False)]
    assert reform.successions.get().predecessor == new_ky_lac


def test_split_sends_each_child_to_the_unit_it_is_assigned_to(ha_tinh):
    result = services.record_split(
        unit=ha_tinh.loc_ha,
        into=[
            UnitSpec(
                name="Huyện Lộc Hà", kind="rural_district", code="448", children=(ha_tinh.ho_do.pk,)
            ),
            UnitSpec(
                name="Thị xã Lộc Hà",
                kind="district_town",
                code="449",
                children=(ha_tinh.thach_chau.pk,),
            ),
        ],
        effective_date=dt.date(2015, 4, 1),
        legal_act_number="903/NQ-UBTVQH13",
    )

    district, town = result.units
    assert [(u.name, u.kind, u.code, u.valid_from) for u in result.units] == [
        ("Huyện Lộc Hà", "rural_district", "448", dt.date(2015, 4, 1)),
        ("Thị xã Lộc Hà", "district_town", "449", dt.date(2015, 4, 1)),
    ]
    assert links(result.event) == [
        ("Huyện Lộc Hà", "Huyện Lộc Hà", "2015-04-01", True),
        ("Huyện Lộc Hà", "Thị xã Lộc Hà", "2015-04-01", True),
    ]
    assert parent_on(ha_tinh.ho_do, dt.date(2016, 1, 1)) == "Huyện Lộc Hà"
    assert parent_on(ha_tinh.thach_chau, dt.date(2016, 1, 1)) == "Thị xã Lộc Hà"
    assert find_unit("448", on=dt.date(2016, 1, 1)).id == district.pk
    assert find_unit("18600", on=dt.date(2016, 1, 1)).parent_id == town.pk
    # Both communes and their 3 villages (Thôn Bắc, from 2010, too) got new records.
    assert sorted(u.name for u in result.moved) == [
        "Thôn Bắc",
        "Thôn Nam",
        "Xã Hộ Độ",
        "Xã Thạch Châu",
        "Xóm 1",
    ]


def test_split_without_saying_where_every_child_goes_is_refused_and_writes_nothing(ha_tinh):
    before = snapshot()
    with pytest.raises(ReorganizationRefused) as error:
        services.record_split(
            unit=ha_tinh.loc_ha,
            into=[
                UnitSpec(name="Huyện Lộc Hà", kind="rural_district", children=(ha_tinh.ho_do.pk,)),
                UnitSpec(name="Thị xã Lộc Hà", kind="district_town"),
            ],
            effective_date=dt.date(2015, 4, 1),
        )
    assert str(error.value) == (
        "The split of Huyện Lộc Hà (448, district, … – 2025-07-01) does not say which new "
        f"unit these children go to: Xã Thạch Châu (id {ha_tinh.thach_chau.pk})."
    )
    assert snapshot() == before


def test_rename_keeps_the_code_and_the_villages_follow(ha_tinh):
    result = services.record_rename(
        unit=ha_tinh.thach_chau,
        name="Thị trấn Thạch Châu",
        kind="township",
        effective_date=dt.date(2022, 3, 1),
    )

    (township,) = result.units
    assert (township.name, township.short_name, township.kind, township.code) == (
        "Thị trấn Thạch Châu",
        "Thạch Châu",
        "township",
        "18600",
    )
    assert township.parent == ha_tinh.loc_ha
    assert result.event.kind == "rename"
    assert sorted((u.name, u.parent_id) for u in result.moved) == [
        ("Thôn Bắc", township.pk),
        ("Thôn Nam", township.pk),
    ]
    assert find_unit("18600", on=dt.date(2021, 9, 25)).name == "Xã Thạch Châu"
    assert find_unit("18600", on=dt.date(2022, 3, 1)).name == "Thị trấn Thạch Châu"


def test_move_changes_the_parent_keeps_the_code_and_the_villages_follow(ha_tinh):
    result = services.record_move(
        unit=ha_tinh.ho_do,
        new_parent=ha_tinh.city,
        effective_date=JAN_2025,
        legal_act_number="1283/NQ-UBTVQH15",
    )

    (ho_do,) = result.units
    assert (ho_do.name, ho_do.code, ho_do.parent, ho_do.valid_to) == (
        "Xã Hộ Độ",
        "18601",
        ha_tinh.city,
        REFORM_2025,
    )
    assert links(result.event) == [("Xã Hộ Độ", "Xã Hộ Độ", "2025-01-01", False)]
    assert [(u.name, u.parent_id) for u in result.moved] == [("Xóm 1", ho_do.pk)]
    assert parent_on(ha_tinh.ho_do, dt.date(2024, 12, 31)) == "Huyện Lộc Hà"
    assert parent_on(ha_tinh.ho_do, JAN_2025) == "Thành phố Hà Tĩnh"
    assert AdminUnit.objects.get(name="Xóm 1", valid_from=JAN_2025).parent == ho_do


def test_a_village_created_after_the_move_date_is_reparented_not_copied(ha_tinh):
    later = make_unit("Thôn Mới", "village", ha_tinh.ho_do, valid_from=dt.date(2025, 3, 1))
    result = services.record_move(
        unit=ha_tinh.ho_do, new_parent=ha_tinh.city, effective_date=JAN_2025
    )
    later.refresh_from_db()
    assert later.parent == result.units[0]
    assert AdminUnit.objects.filter(name="Thôn Mới").count() == 1


@pytest.mark.parametrize(
    ("attempt", "message"),
    [
        pytest.param(
            lambda t: services.record_merge(
                units=[t.loc_ha], into=t.thach_ha, effective_date=dt.date(2025, 7, 1)
            ),
            "Huyện Lộc Hà (448, district, … – 2025-07-01) is not in force on 2025-07-01",
            id="merge after the unit ended",
        ),
        pytest.param(
            lambda t: services.record_merge(
                units=[t.loc_ha, t.thach_kim],
                new_unit=UnitSpec(name="Huyện X", kind="rural_district"),
                effective_date=JAN_2025,
            ),
            "Xã Thạch Kim (18500, commune, … – 2025-07-01) is a commune; all merged units "
            "must be at one level (district).",
            id="mixed levels",
        ),
        pytest.param(
            lambda t: services.record_merge(
                units=[t.ky_lac, t.ky_tay],
                new_unit=UnitSpec(name="Xã Kỳ Lạc", kind="commune", code="18600"),
                effective_date=JAN_2025,
            ),
            "The code '18600' is already used on 2025-01-01 by Xã Thạch Châu",
            id="code in use",
        ),
        pytest.param(
            lambda t: services.record_merge(
                units=[t.thach_kim, t.ky_lac],
                new_unit=UnitSpec(name="Xã Mới", kind="commune"),
                effective_date=JAN_2025,
            ),
            "the merged units have different parents",
            id="no common parent",
        ),
        pytest.param(
            lambda t: services.record_rename(
                unit=t.ho_do, name="Xã Hộ Độ", effective_date=JAN_2025
            ),
            "already has this name, kind and code",
            id="rename to the same name",
        ),
        pytest.param(
            lambda t: services.record_rename(
                unit=t.ho_do, name="Phường Hộ Độ", kind="urban_district", effective_date=JAN_2025
            ),
            "kind 'urban_district' is a district-level kind, not commune",
            id="kind of another level",
        ),
        pytest.param(
            lambda t: services.record_move(
                unit=t.ho_do, new_parent=t.thach_kim, effective_date=JAN_2025
            ),
            "Xã Thạch Kim (18500, commune, … – 2025-07-01) cannot be the parent of a commune",
            id="move under a commune",
        ),
        pytest.param(
            lambda t: services.record_move(
                unit=t.ho_do, new_parent=t.loc_ha, effective_date=JAN_2025
            ),
            "is already under Huyện Lộc Hà",
            id="move to the same parent",
        ),
        pytest.param(
            lambda t: services.record_merge(
                units=[t.ky_tay], into=t.ky_lac, effective_date=JAN_2025, confidence="sure"
            ),
            "Unknown confidence 'sure'",
            id="bad confidence",
        ),
    ],
)
def test_a_refused_event_names_the_reason_and_leaves_the_database_unchanged(
    ha_tinh, attempt, message
):
    before = snapshot()
    with pytest.raises(ReorganizationRefused, match=None) as error:
        attempt(ha_tinh)
    assert message in str(error.value)
    assert snapshot() == before


def test_a_split_unit_with_later_history_is_refused(ha_tinh):
    new = make_unit("Xã Mới", "commune", ha_tinh.ky_anh, valid_from=dt.date(2024, 1, 1))
    event = ReorganizationEvent.objects.create(
        kind="rename", effective_date=dt.date(2024, 1, 1), source="event"
    )
    Succession.objects.create(event=event, predecessor=ha_tinh.ky_tay, successor=new)
    before = snapshot()
    with pytest.raises(ReorganizationRefused, match="already leads to Xã Mới"):
        services.record_split(
            unit=ha_tinh.ky_tay,
            into=[UnitSpec(name="Xã A", kind="commune"), UnitSpec(name="Xã B", kind="commune")],
            effective_date=dt.date(2020, 1, 1),
        )
    assert snapshot() == before


def test_historical_unit_needs_a_parent_that_covers_its_period(ha_tinh):
    later_province = make_unit(
        "Tỉnh Hà Tĩnh", "province", code="42", valid_from=REFORM_2025, valid_to=None
    )
    with pytest.raises(ReorganizationRefused, match="does not exist over the whole period"):
        services.add_historical_unit(
            name="Huyện Cũ",
            kind="rural_district",
            valid_from=dt.date(2010, 1, 1),
            valid_to=dt.date(2020, 1, 1),
            parent=later_province,
        )
    unit = services.add_historical_unit(
        name="Huyện Cũ",
        kind="rural_district",
        code="999",
        valid_from=dt.date(2010, 1, 1),
        valid_to=dt.date(2020, 1, 1),
        parent=ha_tinh.province,
    )
    assert (unit.level, unit.short_name, unit.source, unit.region) == (
        "district",
        "Cũ",
        "user",
        "BTB",
    )
    assert find_unit("999", on=dt.date(2015, 1, 1)).id == unit.pk


def test_create_village_under_a_commune_in_force(ha_tinh, staff):
    village = services.create_village(
        parent=ha_tinh.ky_lac, name="Thôn Tân Tiến", kind="village", valid_from=dt.date(2020, 1, 1)
    )
    assert (village.level, village.parent, village.valid_from, village.valid_to) == (
        "village",
        ha_tinh.ky_lac,
        dt.date(2020, 1, 1),
        REFORM_2025,
    )
    assert village.region == "BTB"


@pytest.mark.parametrize(
    ("parent", "kind", "valid_from", "message"),
    [
        ("ky_anh", "village", None, "is not a commune-level unit"),
        ("ky_lac", "ward", None, "unknown kind 'ward'"),
        ("ky_lac", "village", dt.date(2026, 1, 1), "is not in force on 2026-01-01"),
        ("thach_chau", "village", dt.date(2020, 1, 1), "already has a village 'Thôn Bắc'"),
    ],
)
def test_create_village_refusals(ha_tinh, parent, kind, valid_from, message):
    before = snapshot()
    with pytest.raises(HierarchyError, match=message):
        services.create_village(
            parent=getattr(ha_tinh, parent), name="Thôn Bắc", kind=kind, valid_from=valid_from
        )
    assert snapshot() == before


def test_set_region_by_hand_is_marked_as_user_set(ha_tinh):
    unit = services.set_region(unit=ha_tinh.ky_lac, region="DBSH")
    assert (unit.region, unit.region_source) == ("DBSH", "Người dùng đặt")
    with pytest.raises(ReorganizationRefused, match="Unknown region 'XYZ'"):
        services.set_region(unit=ha_tinh.ky_lac, region="XYZ")


def test_commune_group_applies_to_communes_only(ha_tinh):
    assert services.set_commune_group(unit=ha_tinh.ky_lac, group=3).commune_group == 3
    with pytest.raises(ReorganizationRefused, match="commune groups apply to communes only"):
        services.set_commune_group(unit=ha_tinh.ky_anh, group=1)
    with pytest.raises(ReorganizationRefused, match="Unknown commune group 4"):
        services.set_commune_group(unit=ha_tinh.ky_lac, group=4)
    ha_tinh.ky_anh.refresh_from_db()
    assert ha_tinh.ky_anh.commune_group is None

"""Loading the real `vietnamadminunits` package, checked against the package itself.

The package is loaded once for this module (about 2-3 s) inside a transaction that is
rolled back at the end; the one re-load test is the second and last load of the suite.
"""

import datetime as dt
import json
from collections import Counter

import pytest
from django.db import transaction

from ntm import cli
from ntm.core.hierarchy import REFORM_2025, AmbiguousUnit, Era, Level
from ntm.units import package, services
from ntm.units.models import AdminUnit, ReorganizationEvent, Succession
from ntm.units.selectors import find_unit, search_units, unit_stats

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def data():
    return package.read_package()


@pytest.fixture(scope="module")
def first_load(django_db_setup, django_db_blocker, data):
    with django_db_blocker.unblock(), transaction.atomic():
        report = services.load_package_units(data=data)
        yield report
        transaction.set_rollback(True)


def stored(era: Era, level: Level, code: str) -> AdminUnit:
    return AdminUnit.objects.get(source_key=package.source_key(era, level, code))


def package_links() -> dict[str, list[tuple[str, bool]]]:
    """The stored 2025 successions in the package mapping's own shape."""
    links: dict[str, list[tuple[str, bool]]] = {}
    rows = Succession.objects.filter(
        event__source="package", successor__level=Level.COMMUNE
    ).values_list("successor__source_key", "predecessor__source_key", "is_partial")
    for new, old, is_partial in rows:
        links.setdefault(new, []).append((old, is_partial))
    return {new: sorted(olds) for new, olds in sorted(links.items())}


def test_the_package_holds_the_documented_numbers_of_units(data):
    assert Counter((u.era.value, u.level.value) for u in data.units) == {
        ("before-2025", "province"): 63,
        ("before-2025", "district"): 696,
        ("before-2025", "commune"): 10035,
        ("from-2025", "province"): 34,
        ("from-2025", "commune"): 3321,
    }


def test_first_load_creates_every_package_unit_once(first_load, data):
    expected = Counter((u.era.value, u.level.value) for u in data.units)
    created = {
        (era, level): counts.created
        for era, levels in first_load.units.items()
        for level, counts in levels.items()
    }
    assert created == expected
    assert unit_stats() == {
        "before-2025": {"province": 63, "district": 696, "commune": 10035, "village": 0},
        "from-2025": {"province": 34, "district": 0, "commune": 3321, "village": 0},
    }
    assert first_load.events.created == 34 + 3321


def test_units_keep_the_package_kinds_names_and_coordinates(first_load, data):
    stored_kinds = Counter(AdminUnit.objects.values_list("kind", flat=True))
    assert stored_kinds == Counter(u.kind for u in data.units)
    assert stored_kinds["central_city"] == 6 + 6
    assert stored_kinds["special_zone"] == 13
    ky_anh = stored(Era.BEFORE_2025, Level.DISTRICT, "447")
    assert (ky_anh.name, ky_anh.short_name, ky_anh.kind) == (
        "Huyện Kỳ Anh",
        "Kỳ Anh",
        "rural_district",
    )
    ky_lac = stored(Era.BEFORE_2025, Level.COMMUNE, "18850")
    wanted = next(u for u in data.units if u.source_key == ky_lac.source_key)
    assert (ky_lac.name, ky_lac.short_name, ky_lac.parent_id, ky_lac.search_name) == (
        "Xã Kỳ Lạc",
        "Kỳ Lạc",
        ky_anh.pk,
        "xa ky lac",
    )
    assert (ky_lac.latitude, ky_lac.longitude) == (wanted.latitude, wanted.longitude)
    assert (ky_lac.valid_from, ky_lac.valid_to) == (None, REFORM_2025)
    new_ky_lac = stored(Era.FROM_2025, Level.COMMUNE, "18838")
    assert (new_ky_lac.parent.code, new_ky_lac.parent.level, new_ky_lac.valid_from) == (
        "42",
        "province",
        REFORM_2025,
    )
    assert new_ky_lac.valid_to is None


def test_every_old_commune_leads_to_a_new_one_and_every_new_commune_has_predecessors(
    first_load,
):
    old = AdminUnit.objects.filter(source="package", level="commune", valid_to=REFORM_2025)
    new = AdminUnit.objects.filter(source="package", level="commune", valid_from=REFORM_2025)
    assert (old.count(), new.count()) == (10035, 3321)
    assert old.filter(successor_links__isnull=True).count() == 0
    assert new.filter(predecessor_links__isnull=True).count() == 0


def test_stored_successions_are_exactly_the_package_mapping(first_load, data):
    assert package_links() == data.commune_predecessors
    partial = sum(p for links in data.commune_predecessors.values() for _, p in links)
    assert Succession.objects.filter(is_partial=True).count() == partial


def test_the_five_island_districts_lead_to_their_special_zones(first_load):
    islands = AdminUnit.objects.filter(
        source="package", level="district", successor_links__isnull=False
    )
    assert sorted(islands.values_list("name", flat=True)) == [
        "Huyện Bạch Long Vĩ",
        "Huyện Côn Đảo",
        "Huyện Cồn Cỏ",
        "Huyện Hoàng Sa",
        "Huyện Lý Sơn",
    ]
    con_dao = Succession.objects.select_related("successor", "event").get(
        predecessor__name="Huyện Côn Đảo"
    )
    assert (con_dao.successor.name, con_dao.successor.kind, con_dao.event.kind) == (
        "Đặc khu Côn Đảo",
        "special_zone",
        "rename",
    )


def test_ky_lac_and_lam_hop_merged_into_the_new_ky_lac_with_code_18838(first_load):
    new_ky_lac = stored(Era.FROM_2025, Level.COMMUNE, "18838")
    links = Succession.objects.filter(successor=new_ky_lac).select_related("predecessor", "event")
    assert sorted((s.predecessor.code, s.predecessor.name, s.is_partial) for s in links) == [
        ("18838", "Xã Lâm Hợp", False),
        ("18850", "Xã Kỳ Lạc", False),
    ]
    event = links[0].event
    assert (event.kind, event.effective_date, event.source_key, event.issuer) == (
        "merge",
        REFORM_2025,
        "from-2025:commune:18838",
        "Ủy ban Thường vụ Quốc hội",
    )
    assert "vietnamadminunits" in event.note


def test_ky_tay_leads_to_the_new_ky_van(first_load):
    ky_tay = stored(Era.BEFORE_2025, Level.COMMUNE, "18793")
    assert [(s.successor.name, s.successor.valid_from) for s in ky_tay.successor_links.all()] == [
        ("Xã Kỳ Văn", REFORM_2025)
    ]


def test_province_events_follow_resolution_202(first_load):
    lao_cai = ReorganizationEvent.objects.get(source_key="from-2025:province:15")
    assert (lao_cai.kind, lao_cai.legal_act_number, lao_cai.issuer) == (
        "merge",
        "202/2025/QH15",
        "Quốc hội",
    )
    assert sorted(lao_cai.successions.values_list("predecessor__name", flat=True)) == [
        "Tỉnh Lào Cai",
        "Tỉnh Yên Bái",
    ]
    ha_tinh = ReorganizationEvent.objects.get(source_key="from-2025:province:42")
    assert ha_tinh.kind == "reorganize"
    assert (
        ReorganizationEvent.objects.filter(source_key__startswith="from-2025:province:").count()
        == 34
    )


def test_regions_come_from_the_old_province_and_skip_2025_units(first_load):
    assert AdminUnit.objects.filter(source="package", valid_to=REFORM_2025, region="").count() == 0
    assert AdminUnit.objects.filter(valid_from=REFORM_2025).exclude(region="").count() == 0
    ky_lac = stored(Era.BEFORE_2025, Level.COMMUNE, "18850")
    assert (ky_lac.region, ky_lac.region_source) == ("BTB", "Theo tỉnh (đã xác minh)")
    hanoi_ward = AdminUnit.objects.filter(source_key__startswith="before-2025:commune:").get(
        parent__parent__code="01", name="Phường Phúc Xá"
    )
    assert (hanoi_ward.region, hanoi_ward.region_source) == ("DBSH", "Theo tỉnh (chưa xác minh)")
    assert Counter(
        AdminUnit.objects.filter(
            source="package", level="province", valid_to=REFORM_2025
        ).values_list("region", flat=True)
    ) == {"TDMNPB": 14, "DBSH": 11, "BTB": 6, "DHNTB": 8, "TN": 5, "DNB": 6, "DBSCL": 13}


def test_a_reused_code_needs_a_date_or_an_era_on_real_data(first_load):
    with pytest.raises(AmbiguousUnit) as error:
        find_unit("18838")
    assert sorted(c.name for c in error.value.candidates) == ["Xã Kỳ Lạc", "Xã Lâm Hợp"]
    assert find_unit("18838", on=dt.date(2021, 9, 25)).name == "Xã Lâm Hợp"
    assert find_unit("18838", era="from-2025").name == "Xã Kỳ Lạc"
    assert [u.name for u in search_units("ky lac", on=dt.date(2021, 9, 25))] == ["Xã Kỳ Lạc"]


def test_show_prints_the_2021_unit_with_its_2025_successor(first_load, capsys):
    code = cli.main(["units", "show", "18838", "--as-of", "2021-09-25", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (data["name"], data["era"], data["parent"]["name"]) == (
        "Xã Lâm Hợp",
        "before-2025",
        "Huyện Kỳ Anh",
    )
    assert data["successors"] == [
        {
            "code": "18838",
            "name": "Xã Kỳ Lạc",
            "level": "commune",
            "valid_from": "2025-07-01",
            "valid_to": None,
            "event": {"kind": "merge", "date": "2025-07-01", "legal_act": None},
            "is_partial": False,
        }
    ]


def test_a_second_load_changes_nothing_and_keeps_what_users_recorded(first_load, capsys):
    ky_lac = stored(Era.BEFORE_2025, Level.COMMUNE, "18850")
    services.set_region(unit=ky_lac, region="DBSH")
    # A recorded event ends a package unit early: Kỳ Tây moves to the town in 2024.
    ky_tay = stored(Era.BEFORE_2025, Level.COMMUNE, "18793")
    town = stored(Era.BEFORE_2025, Level.DISTRICT, "449")
    moved = services.record_move(unit=ky_tay, new_parent=town, effective_date=dt.date(2024, 1, 1))
    rows = (
        AdminUnit.objects.count(),
        ReorganizationEvent.objects.count(),
        Succession.objects.count(),
    )

    code = cli.main(["units", "load", "--json"])
    report = json.loads(capsys.readouterr().out)

    assert code == 0
    assert {
        (era, level, counts["created"], counts["updated"])
        for era, levels in report["units"].items()
        for level, counts in levels.items()
    } == {
        ("before-2025", "province", 0, 0),
        ("before-2025", "district", 0, 0),
        ("before-2025", "commune", 0, 0),
        ("from-2025", "province", 0, 0),
        ("from-2025", "commune", 0, 0),
    }
    assert report["events"] == {"created": 0, "updated": 0, "unchanged": 3355, "deleted": 0}
    assert (report["successions"]["created"], report["successions"]["updated"]) == (0, 0)
    assert report["successions"]["deleted"] == 0
    assert rows == (
        AdminUnit.objects.count(),
        ReorganizationEvent.objects.count(),
        Succession.objects.count(),
    )
    ky_lac.refresh_from_db()
    assert (ky_lac.region, ky_lac.region_source) == ("DBSH", "Người dùng đặt")
    ky_tay.refresh_from_db()
    assert ky_tay.valid_to == dt.date(2024, 1, 1)
    (new_ky_tay,) = moved.units
    assert [s.successor.name for s in new_ky_tay.successor_links.all()] == ["Xã Kỳ Văn"]
    assert ky_tay.successor_links.get().successor == new_ky_tay

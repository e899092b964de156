"""Which department verifies which criterion: sector defaults, offices' assignments, and
criteria waiting for verification following a change."""

from __future__ import annotations

import pytest

from ntm.accounts.permissions import WriteDenied
from ntm.approvals import approval
from ntm.approvals.models import CriterionResponsibility, CriterionVerification
from ntm.approvals.responsibility import (
    assign_responsibility,
    create_department,
    responsible_for,
    responsible_under,
    set_department_sector,
)
from ntm.approvals.tests.approval_world import PERIOD, World, world
from ntm.audit.models import AuditEntry
from ntm.units.models import Department
from ntm.values.validation import AssessmentError

__all__ = ["world"]


def departments(w: World, unit_key: str = "ky_lac") -> dict[str, str | None]:
    found = responsible_for([w.units[unit_key]], w.criteria_set.to_domain())
    return {
        key.partition(":")[2]: r.department.name if r.department else None
        for key, r in found[w.units[unit_key].pk].items()
    }


def pending(w: World) -> dict[str, str | None]:
    return {
        r.number: r.department.name if r.department else None
        for r in CriterionVerification.objects.filter(is_current=True).select_related("department")
    }


def assign(w: World, number: str, department, username: str = "hatinh", office: str = "province"):
    return assign_responsibility(
        office=w.units[office],
        definition=w.criteria_set.to_domain(),
        number=number,
        department=department,
        actor=w.actor(username),
    )


def test_each_criterion_defaults_to_the_department_of_its_sector(world):
    assert departments(world) == {
        "1": "Sở Y tế Hà Tĩnh",
        "2": "Sở Giao thông Vận tải Hà Tĩnh",
        "10": None,  # statistics: Hà Tĩnh has no such department
        "19": None,  # no sector
    }


def test_an_assignment_replaces_the_default_and_moves_waiting_criteria(world):
    approval.submit_period(unit=world.units["ky_lac"], criteria_set=world.criteria_set,
                           period=PERIOD, actor=world.actor("kylac"))  # fmt: skip
    assert assign(world, "10", world.gtvt) is True
    assert departments(world)["10"] == "Sở Giao thông Vận tải Hà Tĩnh"
    assert pending(world)["10"] == "Sở Giao thông Vận tải Hà Tĩnh"
    entry = AuditEntry.objects.get(action="responsibility.assign")
    assert (entry.actor_name, entry.summary, entry.old, entry.new) == (
        "hatinh",
        "test-commune:10 Thu nhập",
        None,
        {"department": "Sở Giao thông Vận tải Hà Tĩnh", "moved": 1},
    )
    assert assign(world, "10", world.gtvt) is False  # the same again changes nothing
    assert assign(world, "10", None) is True
    assert (departments(world)["10"], pending(world)["10"]) == (None, None)
    assert CriterionResponsibility.objects.count() == 0
    assert AuditEntry.objects.filter(action="responsibility.clear").count() == 1


def test_a_verified_criterion_keeps_who_verified_it_when_the_assignment_changes(world):
    submission = approval.submit_period(unit=world.units["ky_lac"], criteria_set=world.criteria_set,
                                        period=PERIOD, actor=world.actor("kylac"))  # fmt: skip
    approval.verify_criteria(submission=submission, numbers=["2"], actor=world.actor("sogtvt"))
    assign(world, "2", world.yte)
    assert pending(world)["2"] == "Sở Giao thông Vận tải Hà Tĩnh"


def test_the_nearest_office_decides_and_an_assignment_beats_a_sector_default(world):
    phong = Department.objects.create(
        unit=world.units["district"], name="Phòng Kinh tế - Hạ tầng Kỳ Anh", sector="transport"
    )
    assert departments(world)["2"] == "Phòng Kinh tế - Hạ tầng Kỳ Anh"
    assign(world, "2", world.gtvt)  # the province's explicit choice
    assert departments(world)["2"] == "Sở Giao thông Vận tải Hà Tĩnh"
    assign(world, "2", phong, username="kyanh", office="district")
    assert departments(world)["2"] == "Phòng Kinh tế - Hạ tầng Kỳ Anh"
    under = responsible_under(world.units["province"], world.criteria_set.to_domain())
    assert under["test-commune:2"].department == world.gtvt


@pytest.mark.parametrize(
    ("username", "office", "number", "department", "error", "match"),
    [
        ("kylac", "province", "2", "yte", WriteDenied, "Vai trò “Nhập liệu” không được"),
        ("sogtvt", "province", "2", "yte", WriteDenied, "không được làm việc này"),
        ("kyanh", "province", "2", "yte", WriteDenied, "Đơn vị “Tỉnh Hà Tĩnh” nằm ngoài phạm vi"),
        ("hatinh", "province", "7", "yte", AssessmentError, "không có tiêu chí 7"),
        ("hatinh", "province", "2", "thanh_hoa", AssessmentError,
         "“Sở Giao thông Vận tải Thanh Hóa” không thuộc Tỉnh Hà Tĩnh hay cấp trên"),
        ("hatinh", "ky_lac", "2", "yte", AssessmentError,
         "Chỉ tỉnh hoặc huyện giao sở, ngành phụ trách tiêu chí; Xã Kỳ Lạc là cấp Xã."),
    ],
)  # fmt: skip
def test_assignments_are_refused_to_others_and_for_unknown_things(
    world, username, office, number, department, error, match
):
    chosen = {
        "yte": world.yte,
        "thanh_hoa": Department.objects.get(name="Sở Giao thông Vận tải Thanh Hóa"),
    }[department]
    before = (CriterionResponsibility.objects.count(), AuditEntry.objects.count())
    with pytest.raises(error, match=match):
        assign(world, number, chosen, username=username, office=office)
    assert (CriterionResponsibility.objects.count(), AuditEntry.objects.count()) == before


def test_an_office_adds_a_department_and_its_sector_takes_the_criteria(world):
    approval.submit_period(unit=world.units["ky_lac"], criteria_set=world.criteria_set,
                           period=PERIOD, actor=world.actor("kylac"))  # fmt: skip
    stats = create_department(office=world.units["province"], name="Cục Thống kê Hà Tĩnh",
                              sector="statistics", actor=world.actor("hatinh"))  # fmt: skip
    assert (departments(world)["10"], pending(world)["10"]) == (stats.name, stats.name)
    assert AuditEntry.objects.get(action="department.create").new == {
        "name": "Cục Thống kê Hà Tĩnh", "short_name": "", "sector": "statistics", "moved": 1,
    }  # fmt: skip
    assert set_department_sector(department=stats, sector="", actor=world.actor("hatinh"))
    assert pending(world)["10"] is None
    assert AuditEntry.objects.get(action="department.sector").old == {"sector": "statistics"}


@pytest.mark.parametrize(
    ("name", "sector", "match"),
    [
        ("", "health", "Cần tên sở, ngành."),
        ("Sở Y tế Hà Tĩnh", "health", "Tỉnh Hà Tĩnh đã có “Sở Y tế Hà Tĩnh”."),
        ("Sở Mới", "roads", "Không có lĩnh vực “roads”."),
    ],
)
def test_a_department_needs_a_new_name_and_a_known_sector(world, name, sector, match):
    count = Department.objects.count()
    with pytest.raises(AssessmentError, match=match):
        create_department(office=world.units["province"], name=name, sector=sector,
                          actor=world.actor("hatinh"))  # fmt: skip
    assert Department.objects.count() == count

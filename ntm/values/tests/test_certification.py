"""Certifying a whole criterion with a document (``certification.certify``): who may (the
responsible department's verifier, the approving office with a note), who may not (with
nothing written), the input checks, frozen periods and the audit entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from ntm.accounts.permissions import WriteDenied
from ntm.approvals import approval
from ntm.approvals.freeze import PeriodFrozen
from ntm.approvals.tests.approval_world import PERIOD, YEAR_END, World, world
from ntm.audit.models import AuditEntry
from ntm.dashboards.evaluation import evaluate_unit
from ntm.testing import make_user
from ntm.values.certification import CertificationInvalid, certifiable_criteria, certify
from ntm.values.models import CriterionCertification

__all__ = ["world"]

DAY = dt.date(2021, 9, 25)
TRANSPORT = "Tiêu chí 2 (Giao thông) do Sở Giao thông Vận tải Hà Tĩnh xác nhận"


def run(w: World, username: str | None, number: str = "2", *, unit=None, **given):
    """Certify a criterion of Kỳ Lạc (or ``unit``) as a persona (None: nobody signed in)."""
    fields = {
        "is_met": True,
        "certified_on": DAY,
        "document_number": "125/SGTVT-KHTC",
        "note": "",
        **given,
    }
    return certify(
        user=w.users[username] if username else AnonymousUser(),
        unit=unit or w.units["ky_lac"],
        criteria_set=w.criteria_set,
        criterion_key=number,
        actor=w.actor(username) if username else None,
        **fields,
    )


def status_of(w: World, number: str, on: dt.date = DAY) -> str:
    report = evaluate_unit(w.units["ky_lac"], w.criteria_set, on)
    return next(c["status"] for c in report["criteria"] if c["number"] == number)


def snapshot() -> tuple:
    return (
        list(CriterionCertification.objects.order_by("pk").values()),
        AuditEntry.objects.filter(action="certification.record").count(),
    )


def refused(error_type, call, match: str):
    """The error raised (its message holding ``match``), nothing written."""
    before = snapshot()
    with pytest.raises(error_type) as raised:
        call()
    assert match in str(raised.value), str(raised.value)
    assert snapshot() == before
    return raised.value


# --------------------------------------------------------------------------- allowed


def test_the_responsible_department_certifies_its_criterion_and_the_engine_follows(world):
    assert status_of(world, "2") == "missing"
    row = run(world, "sogtvt")
    assert (row.is_met, row.certified_on, row.document_number) == (True, DAY, "125/SGTVT-KHTC")
    assert (row.department, row.entered_by, row.criterion_key) == (
        world.gtvt,
        world.users["sogtvt"],
        "test-commune:2",
    )
    assert status_of(world, "2") == "met"
    entry = AuditEntry.objects.get(action="certification.record")
    assert (entry.actor_name, entry.channel, entry.unit_id) == (
        "sogtvt",
        "web",
        world.units["ky_lac"].pk,
    )
    assert "125/SGTVT-KHTC" in entry.summary
    assert entry.new["department"] == "Sở Giao thông Vận tải Hà Tĩnh"


def test_a_criterion_is_found_by_its_key_too_and_a_not_met_document_is_kept(world):
    run(world, "soyte", "test-commune:1", is_met=False, document_number=" 88/SYT ")
    row = CriterionCertification.objects.get()
    assert (row.criterion_key, row.is_met, row.document_number, row.department) == (
        "test-commune:1",
        False,
        "88/SYT",
        world.yte,
    )
    assert status_of(world, "1") == "not_met"


def test_a_second_document_on_the_same_day_replaces_the_first(world):
    first = run(world, "sogtvt")
    second = run(world, "sogtvt", is_met=False, document_number="130/SGTVT")
    first.refresh_from_db()
    assert (first.is_current, second.supersedes, second.is_current) == (False, first, True)
    assert status_of(world, "2") == "not_met"


@pytest.mark.parametrize("office", ["kyanh", "hatinh"])
def test_the_approving_office_certifies_its_own_criteria_without_a_note(world, office):
    row = run(world, office, "10", document_number="12/BC-UBND")
    assert (row.department, row.entered_by) == (None, world.users[office])
    assert status_of(world, "10") == "met"


def test_a_national_administrator_certifies_as_the_office(world):
    admin = make_user("quantri", role="administrator")
    world.users["quantri"] = admin
    row = run(world, "quantri", "19", document_number="1/QĐ")
    assert row.entered_by == admin


def test_the_office_certifies_for_a_department_with_a_note(world):
    row = run(world, "kyanh", note="Theo Công văn 125/SGTVT-KHTC của Sở Giao thông Vận tải")
    assert (row.department, row.entered_by, row.note) == (
        world.gtvt,
        world.users["kyanh"],
        "Theo Công văn 125/SGTVT-KHTC của Sở Giao thông Vận tải",
    )


def test_the_office_certifying_for_a_department_must_say_on_what_basis(world):
    problem = refused(
        CertificationInvalid,
        lambda: run(world, "kyanh", note="  "),
        "Văn phòng điều phối xác nhận thay Sở Giao thông Vận tải Hà Tĩnh: cần ghi chú",
    )
    assert problem.field == "note"


def test_what_each_user_may_certify(world):
    definition = world.criteria_set.to_domain()
    ky_lac = world.units["ky_lac"]

    def numbers(username: str) -> list[tuple[str, bool]]:
        found = certifiable_criteria(world.users[username], ky_lac, definition)
        return [(c.number, c.on_behalf) for c in found]

    assert numbers("sogtvt") == [("2", False)]
    assert numbers("soyte") == [("1", False)]
    assert numbers("kyanh") == [("1", True), ("2", True), ("10", False), ("19", False)]
    assert numbers("hatinh") == numbers("kyanh")
    for nobody in ("kylac", "xem", "xa_pheduyet", "thamtra", "th_gtvt", "thanhhoa"):
        assert numbers(nobody) == [], nobody
    assert certifiable_criteria(AnonymousUser(), ky_lac, definition) == []
    found = certifiable_criteria(world.users["sogtvt"], ky_lac, definition)
    assert found[0].department == world.gtvt


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize(
    "username, reason",
    [
        ("kylac", "Vai trò “Nhập liệu” không xác nhận tiêu chí."),
        ("kytay", "Vai trò “Nhập liệu” không xác nhận tiêu chí."),
        ("xem", "Vai trò “Xem” không xác nhận tiêu chí."),
        ("xa_pheduyet", "văn phòng điều phối của Xã Kỳ Lạc, không phải cấp trên của Xã Kỳ Lạc"),
        ("thanhhoa", "văn phòng điều phối của Tỉnh Thanh Hóa, không phải cấp trên"),
        ("soyte", "Tài khoản này thuộc Sở Y tế Hà Tĩnh."),
        ("thamtra", "chưa gắn với sở, ngành nào"),
        ("th_gtvt", "nằm ngoài phạm vi"),
        (None, "Cần đăng nhập"),
    ],
)
def test_nobody_else_certifies_and_the_refusal_names_who_may(world, username, reason):
    message = str(refused(WriteDenied, lambda: run(world, username), TRANSPORT))
    assert reason in message
    assert "người phê duyệt (văn phòng điều phối) của Huyện Kỳ Anh hoặc cấp trên" in message


def test_a_department_does_not_certify_the_offices_own_criteria(world):
    refused(
        WriteDenied,
        lambda: run(world, "sogtvt", "10"),
        "Tiêu chí 10 (Thu nhập) không giao cho sở, ngành nào: người phê duyệt (văn phòng điều "
        "phối) của Huyện Kỳ Anh hoặc cấp trên xác nhận tiêu chí này.",
    )


def test_a_refused_user_is_refused_before_any_input_problem(world):
    refused(WriteDenied, lambda: run(world, "kylac", document_number=""), TRANSPORT)
    refused(WriteDenied, lambda: run(world, "kylac", "99"), "Chỉ sở, ngành được giao")


# --------------------------------------------------------------------------- input


@pytest.mark.parametrize("document", ["", "   "])
def test_a_certification_needs_its_document_number(world, document):
    problem = refused(
        CertificationInvalid,
        lambda: run(world, "sogtvt", document_number=document),
        "Cần số văn bản xác nhận",
    )
    assert problem.field == "document_number"


def test_a_certification_cannot_be_dated_in_the_future(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    ky_lac_2025 = world.units["new_ky_lac"]
    office = make_user("tinh2025", role="approver", unit=world.units["province_2025"])
    world.users["tinh2025"] = office
    problem = refused(
        CertificationInvalid,
        lambda: run(world, "tinh2025", "10", unit=ky_lac_2025, certified_on=tomorrow),
        "ở tương lai",
    )
    assert problem.field == "certified_on"
    # Today is fine.
    today = timezone.localdate()
    assert run(world, "tinh2025", "10", unit=ky_lac_2025, certified_on=today).certified_on == today


def test_the_unit_must_exist_on_the_certification_day(world):
    refused(
        CertificationInvalid,
        lambda: run(world, "sogtvt", certified_on=dt.date(2025, 8, 1)),
        "Xã Kỳ Lạc không tồn tại vào ngày 01/08/2025",
    )


def test_met_or_not_met_must_be_said(world):
    refused(CertificationInvalid, lambda: run(world, "sogtvt", is_met=None), "Đạt hoặc Chưa đạt")


def test_an_unknown_criterion_is_refused(world):
    refused(CertificationInvalid, lambda: run(world, "sogtvt", "99"), "không có tiêu chí “99”")
    refused(CertificationInvalid, lambda: run(world, "sogtvt", ""), "Cần chỉ rõ tiêu chí")


# --------------------------------------------------------------------------- frozen


def test_a_period_under_review_refuses_certifications_on_its_day(world):
    approval.submit_period(
        unit=world.units["ky_lac"],
        criteria_set=world.criteria_set,
        period=PERIOD,
        actor=world.actor("kylac"),
    )
    message = str(
        refused(PeriodFrozen, lambda: run(world, "sogtvt", certified_on=YEAR_END), "2021")
    )
    assert "đang được xét duyệt" in message
    # Another day, outside the period's frozen cells, is accepted.
    assert run(world, "sogtvt").certified_on == DAY

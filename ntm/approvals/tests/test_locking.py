"""A period under review or locked refuses every write, on every path, and says why."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ntm.approvals import approval
from ntm.approvals.locking import PeriodFrozen, frozen_cells
from ntm.approvals.tests.approval_world import (
    INCOME,
    PERIOD,
    ROADS,
    YEAR_END,
    World,
    world,
)
from ntm.audit.models import AuditEntry
from ntm.values.bulk import CellInput, ChangeKind, ValuesRefused, apply_values, plan_values
from ntm.values.entry import record_submission
from ntm.values.evidence import CheckedUpload, check_upload, remove_evidence, store_evidence
from ntm.values.models import CriterionCertification, EvidenceFile, IndicatorValue
from ntm.values.services import certify_criterion, record_value
from ntm.workbooks.importing import import_workbook
from ntm.workbooks.tests.workbook_helpers import fill, template_bytes

__all__ = ["world"]

LOCKED_TAIL = (
    "(người khóa: kyanh): số liệu đã phê duyệt không được sửa. Muốn sửa, đề nghị người phê "
    "duyệt (văn phòng điều phối) của Huyện Kỳ Anh hoặc cấp trên mở khóa, kèm lý do."
)


def _pdf(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")


def lock_ky_lac(w: World) -> str:
    """Income 40 entered and evidenced, then the period submitted, verified, approved and
    locked by Kỳ Anh; returns the lock's time as messages write it."""
    ky_lac = w.units["ky_lac"]
    record_value(unit=ky_lac, indicator_key=INCOME, observed_on=YEAR_END, value=40.0,
                 actor=w.actor("kylac"))  # fmt: skip
    upload = _pdf()
    store_evidence([CheckedUpload(upload, check_upload(upload), ky_lac.pk, INCOME, YEAR_END)],
                   actor=w.actor("kylac"))  # fmt: skip
    submission = approval.submit_period(
        unit=ky_lac, criteria_set=w.criteria_set, period=PERIOD, actor=w.actor("kylac")
    )
    approval.verify_criteria(submission=submission, numbers=None, actor=w.actor("kyanh"),
                             comment="Theo văn bản của các sở")  # fmt: skip
    approval.approve_submission(submission=submission, actor=w.actor("kyanh"))
    locked = approval.lock_submission(submission=submission, actor=w.actor("kyanh"))
    return timezone.localtime(locked.locked_at).strftime("%d/%m/%Y %H:%M")


def locked_message(when: str) -> str:
    return f"Kỳ 2021 của Xã Kỳ Lạc (bộ tiêu chí test-commune) đã khóa từ {when} {LOCKED_TAIL}"


def snapshot() -> tuple:
    return (
        list(IndicatorValue.objects.order_by("pk").values()),
        list(CriterionCertification.objects.order_by("pk").values()),
        list(EvidenceFile.objects.order_by("pk").values("pk", "is_removed")),
        AuditEntry.objects.count(),
    )


def test_a_locked_cell_is_a_problem_saying_since_when_by_whom_and_who_unlocks(world):
    when = lock_ky_lac(world)
    ky_lac, ky_tay = world.units["ky_lac"].pk, world.units["ky_tay"].pk
    plan = plan_values(
        [
            CellInput(ky_lac, INCOME, YEAR_END, value=41.0, where="Ô F7"),
            CellInput(ky_lac, ROADS, YEAR_END, numerator=9, denominator=10, where="Ô F8"),
            CellInput(ky_lac, INCOME, YEAR_END - dt.timedelta(days=1), value=41.0, where="Ô F9"),
            CellInput(ky_tay, INCOME, YEAR_END, value=41.0, where="Ô F10"),
        ],
        user=world.users["kyanh"],
    )
    assert [(p.where, p.message) for p in plan.problems] == [
        ("Ô F7", locked_message(when)),
        ("Ô F8", locked_message(when)),
    ]
    assert [(c.cell.where, c.kind) for c in plan.changes] == [
        ("Ô F9", ChangeKind.NEW),  # another day
        ("Ô F10", ChangeKind.NEW),  # another commune
    ]


def test_an_unchanged_cell_of_a_locked_period_passes_as_unchanged(world):
    lock_ky_lac(world)
    plan = plan_values([CellInput(world.units["ky_lac"].pk, INCOME, YEAR_END, value=40.0)])
    assert plan.is_valid and plan.count(ChangeKind.UNCHANGED) == 1


def test_a_submitted_period_is_frozen_and_says_how_to_correct_it(world):
    ky_lac = world.units["ky_lac"]
    submission = approval.submit_period(
        unit=ky_lac, criteria_set=world.criteria_set, period=PERIOD, actor=world.actor("kylac")
    )
    since = timezone.localtime(submission.status_changed_at).strftime("%d/%m/%Y %H:%M")
    cell = (ky_lac.pk, INCOME, YEAR_END)
    assert frozen_cells([cell]) == {
        cell: f"Kỳ 2021 của Xã Kỳ Lạc (bộ tiêu chí test-commune) đang được xét duyệt (đã gửi, "
        f"chờ thẩm tra từ {since}, gửi bởi kylac): số liệu không sửa được trong khi xét duyệt. "
        "Người nhập liệu của đơn vị có thể rút kỳ về bản nháp để sửa."
    }
    approval.verify_criteria(submission=submission, numbers=["2"], actor=world.actor("sogtvt"))
    assert frozen_cells([cell])[cell].endswith(
        "Muốn sửa, đề nghị sở, ngành thẩm tra hoặc người phê duyệt (văn phòng điều phối) của "
        "Huyện Kỳ Anh hoặc cấp trên trả lại kỳ này kèm ý kiến."
    )


def test_writing_into_a_locked_period_writes_nothing(world):
    lock_ky_lac(world)
    before = snapshot()
    with pytest.raises(ValuesRefused):
        apply_values(
            [
                CellInput(world.units["ky_tay"].pk, INCOME, YEAR_END, value=38.0),
                CellInput(world.units["ky_lac"].pk, INCOME, YEAR_END, value=41.0),
            ],
            actor=world.actor("kyanh"),
        )
    assert snapshot() == before


def test_the_entry_form_refuses_a_locked_period(world, client):
    when = lock_ky_lac(world)
    client.force_login(world.users["kylac"])
    url = f"/units/{world.units['ky_lac'].pk}/entry/?set=test-commune&period=2021"
    before = snapshot()
    response = client.post(url, {"v-10": "41", "action": "draft"})
    assert response.status_code == 200
    assert locked_message(when) in response.content.decode()
    assert snapshot() == before


def test_the_grid_refuses_the_cells_of_a_locked_commune(world, client):
    when = lock_ky_lac(world)
    client.force_login(world.users["kyanh"])
    url = f"/units/{world.units['district'].pk}/grid/?set=test-commune&period=2021&indicators=10"
    before = snapshot()
    response = client.post(
        url,
        {
            f"c-{world.units['ky_lac'].pk}-10": "41",
            f"c-{world.units['ky_tay'].pk}-10": "38",
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert locked_message(when) in response.content.decode()
    assert snapshot() == before


def test_an_excel_import_touching_a_locked_period_is_refused_whole(world):
    when = lock_ky_lac(world)
    units = [world.units["ky_lac"], world.units["ky_tay"]]
    template = template_bytes(units, period="2021", parent=world.units["district"])
    content = fill(template, {("18850", "10"): {"value": 41}, ("18793", "10"): {"value": 38}})
    before = snapshot()
    result = import_workbook(content, actor=world.actor("kyanh"), filename="ky-anh.xlsx")
    assert not result.applied
    assert [p.message for p in result.problems] == [locked_message(when)]
    location = result.problems[0].location
    assert (location.sheet, location.column, location.shown) == ("Số liệu", "H", "41")
    assert snapshot() == before
    # The same template, untouched for Kỳ Lạc, goes through for Kỳ Tây.
    other = import_workbook(
        fill(template, {("18793", "10"): {"value": 38}}), actor=world.actor("kyanh")
    )
    assert other.applied


def test_the_values_api_answers_422_with_the_lock(world, client):
    when = lock_ky_lac(world)
    client.force_login(world.users["kylac"])
    before = snapshot()
    response = client.post(
        "/api/values",
        json.dumps(
            {
                "values": [
                    {
                        "unit_id": world.units["ky_lac"].pk,
                        "indicator_key": INCOME,
                        "period": "2021",
                        "value": 41,
                    }
                ]
            }
        ),  # fmt: skip
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {"where": "values[0]", "message": locked_message(when),
         "unit_id": world.units["ky_lac"].pk, "indicator_key": INCOME, "current": None}
    ]  # fmt: skip
    assert snapshot() == before


def test_a_certification_of_a_locked_criterion_is_refused(world):
    when = lock_ky_lac(world)
    before = snapshot()
    with pytest.raises(PeriodFrozen) as refused:
        certify_criterion(unit=world.units["ky_lac"], criterion_key="test-commune:2",
                          is_met=True, certified_on=YEAR_END)  # fmt: skip
    assert str(refused.value) == locked_message(when)
    assert snapshot() == before
    certify_criterion(unit=world.units["ky_lac"], criterion_key="test-commune:2", is_met=True,
                      certified_on=dt.date(2022, 3, 1))  # fmt: skip
    assert CriterionCertification.objects.count() == 1


def test_evidence_cannot_be_added_to_or_removed_from_a_locked_period(world):
    when = lock_ky_lac(world)
    ky_lac = world.units["ky_lac"]
    before = snapshot()
    upload = _pdf("them.pdf")
    with pytest.raises(PeriodFrozen, match="đã khóa từ"):
        store_evidence([CheckedUpload(upload, check_upload(upload), ky_lac.pk, INCOME, YEAR_END)],
                       actor=world.actor("kylac"))  # fmt: skip
    with pytest.raises(PeriodFrozen) as refused:
        remove_evidence(EvidenceFile.objects.get(), actor=world.actor("kylac"))
    assert str(refused.value) == locked_message(when)
    assert snapshot() == before


def test_saving_a_draft_of_a_locked_period_is_refused(world):
    lock_ky_lac(world)
    with pytest.raises(approval.TransitionRefused, match="đã khóa từ .* nên không rút về bản nháp"):
        record_submission(unit=world.units["ky_lac"], criteria_set=world.criteria_set,
                          period=PERIOD, status="draft", actor=world.actor("kylac"))  # fmt: skip


def test_after_unlocking_the_period_takes_values_again(world):
    lock_ky_lac(world)
    approval.unlock_submission(submission=world.submission(), actor=world.actor("kyanh"),
                               reason="Sai thu nhập")  # fmt: skip
    apply_values([CellInput(world.units["ky_lac"].pk, INCOME, YEAR_END, value=41.0)],
                 actor=world.actor("kylac"))  # fmt: skip
    assert IndicatorValue.objects.get(indicator_key=INCOME, is_current=True).value == 41.0


def test_checking_a_thousand_cells_for_locks_is_one_query(world, django_assert_num_queries):
    lock_ky_lac(world)
    cells = [
        (world.units["ky_lac"].pk, INCOME, YEAR_END - dt.timedelta(days=n)) for n in range(1000)
    ]
    with django_assert_num_queries(1):
        found = frozen_cells(cells)
    assert list(found) == [cells[0]]

"""Bulk value writes: every cell checked, all or nothing, unchanged cells skipped, audited."""

import datetime as dt

import pytest

from ntm.accounts.permissions import WriteDenied
from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.criteria.services import load_criteria_sets
from ntm.testing import COMMUNE_SET, DISTRICT_SET, make_ky_anh, make_user, write_sets
from ntm.values.bulk import CellInput, ChangeKind, ValuesRefused, apply_values, plan_values
from ntm.values.models import IndicatorValue

pytestmark = pytest.mark.django_db

D = dt.date
ON = D(2021, 9, 25)


@pytest.fixture
def units(tmp_path):
    load_criteria_sets(write_sets(tmp_path, COMMUNE_SET, DISTRICT_SET))
    return make_ky_anh()


@pytest.fixture
def ky_lac_clerk(units):
    return make_user("kylac", role="data_entry", unit=units["ky_lac"])


def cells(units, **overrides):
    ky_lac, ky_tay = units["ky_lac"].pk, units["ky_tay"].pk
    rows = [
        CellInput(ky_lac, "test-commune:10", ON, value=31.5, source="Báo cáo xã", where="B2"),
        CellInput(ky_lac, "test-commune:2.1", ON, numerator=8.0, denominator=10.3, where="B3"),
        CellInput(ky_lac, "test-commune:1.1", ON, is_met=True, where="B4"),
        CellInput(ky_tay, "test-commune:10", ON, value=28.0, where="C2"),
    ]
    return rows


def test_a_valid_batch_is_written_once_and_audited(units):
    actor = Actor(user=None, channel="cli")
    plan = apply_values(cells(units), actor=actor, reason="Tự đánh giá quý III")
    assert (plan.count(ChangeKind.NEW), plan.count(ChangeKind.CHANGED)) == (4, 0)
    assert IndicatorValue.objects.filter(is_current=True).count() == 4
    entries = AuditEntry.objects.filter(action="value.create")
    assert entries.count() == 4
    entry = entries.get(unit_id=units["ky_lac"].pk, summary="test-commune:10 @ 2021-09-25")
    assert entry.new["value"] == 31.5 and entry.old is None
    assert entry.reason == "Tự đánh giá quý III" and entry.unit_label == "Xã Kỳ Lạc"


def test_the_same_batch_again_changes_nothing(units):
    apply_values(cells(units), actor=Actor(None))
    again = apply_values(cells(units), actor=Actor(None))
    assert again.count(ChangeKind.UNCHANGED) == 4 and again.writes == []
    assert IndicatorValue.objects.count() == 4
    assert AuditEntry.objects.count() == 4


def test_a_correction_keeps_the_previous_value_in_history(units):
    apply_values(cells(units), actor=Actor(None))
    corrected = [CellInput(units["ky_lac"].pk, "test-commune:10", ON, value=33.0, where="B2")]
    plan = apply_values(corrected, actor=Actor(None), reason="Số liệu thống kê mới")
    assert plan.count(ChangeKind.CHANGED) == 1
    current = IndicatorValue.objects.get(
        indicator_key="test-commune:10", unit=units["ky_lac"], is_current=True
    )
    assert current.value == 33.0 and current.supersedes.value == 31.5
    entry = AuditEntry.objects.get(action="value.correct")
    assert (entry.old["value"], entry.new["value"]) == (31.5, 33.0)


def test_one_bad_cell_refuses_the_batch_and_names_every_problem(units):
    ky_lac = units["ky_lac"].pk
    batch = [
        *cells(units),
        CellInput(
            ky_lac, "test-commune:10", ON, value=-1.0, where="Sheet 'Số liệu', row 9, column F"
        ),
        CellInput(ky_lac, "test-commune:99", ON, value=1.0, where="row 10"),
        CellInput(ky_lac, "test-commune:1.1", D(2021, 9, 30), value=1.0, where="row 11"),
        CellInput(units["new_ky_lac"].pk, "test-commune:10", ON, value=40.0, where="row 12"),
        CellInput(units["district"].pk, "test-commune:10", ON, value=40.0, where="row 13"),
        CellInput(999999, "test-commune:10", ON, value=40.0, where="row 14"),
    ]
    with pytest.raises(ValuesRefused) as refused:
        apply_values(batch, actor=Actor(None))
    problems = [str(p) for p in refused.value.plan.problems]
    assert problems == [
        "Sheet 'Số liệu', row 9, column F: Trùng với B2 (cùng đơn vị, chỉ tiêu và ngày).",
        "row 10: Không bộ tiêu chí nào có chỉ tiêu “test-commune:99”.",
        "row 11: 1.1 (Có quy hoạch) là chỉ tiêu đánh giá: ghi Đạt hoặc Chưa đạt, không ghi số.",
        "row 12: Xã Kỳ Lạc không tồn tại vào ngày 25/09/2021.",
        "row 13: Chỉ tiêu 10 dành cho cấp Xã, không dùng cho Huyện Kỳ Anh.",
        "row 14: Không có đơn vị mã nội bộ 999999.",
    ]
    assert IndicatorValue.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_negative_number_is_refused_where_it_stands(units):
    plan = plan_values(
        [CellInput(units["ky_lac"].pk, "test-commune:10", ON, value=-1.0, where="F9")]
    )
    assert [str(p) for p in plan.problems] == [
        "F9: 10 (Thu nhập bình quân đầu người): giá trị -1 không được âm."
    ]


def test_a_commune_clerk_writes_their_commune_only(units, ky_lac_clerk):
    actor = Actor(user=ky_lac_clerk, ip_address="10.0.0.7", channel="web")
    with pytest.raises(ValuesRefused) as refused:
        apply_values(cells(units), actor=actor)
    assert [str(p) for p in refused.value.plan.problems] == [
        "C2: Đơn vị “Xã Kỳ Tây” nằm ngoài phạm vi được giao của tài khoản này."
    ]
    assert IndicatorValue.objects.count() == 0
    apply_values(cells(units)[:3], actor=actor)
    entry = AuditEntry.objects.filter(action="value.create").first()
    assert (entry.actor_name, entry.ip_address, entry.channel) == ("kylac", "10.0.0.7", "web")
    assert IndicatorValue.objects.filter(entered_by=ky_lac_clerk).count() == 3


def test_a_viewer_cannot_write_at_all(units):
    viewer = make_user("viewer", role="viewer", unit=units["ky_lac"])
    with pytest.raises(WriteDenied, match="không được làm việc này"):
        apply_values(cells(units)[:1], actor=Actor(user=viewer))
    assert IndicatorValue.objects.count() == 0


def test_planning_a_thousand_cells_takes_a_few_queries(units, django_assert_max_num_queries):
    ky_lac = units["ky_lac"].pk
    batch = [
        CellInput(
            ky_lac, "test-commune:10", D(2020, 1, 1) + dt.timedelta(days=i), value=30.0 + i % 7
        )
        for i in range(1000)
    ]
    # Sets, units and current values; and the periods under review or locked.
    with django_assert_max_num_queries(4):
        plan = plan_values(batch)
    assert plan.is_valid and plan.count(ChangeKind.NEW) == 1000

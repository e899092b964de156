"""The revocation rule of Decision 18/2022 on recognized communes, computed from current
data: the 30 %/50 % bands with and without a key criterion, the "close" warning and its
settings, and a query count that does not grow with the number of communes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ntm.accounts.scope import scope_for_unit
from ntm.recognition import services
from ntm.recognition.models import Recognition, Revocation
from ntm.recognition.monitoring import CLOSE, DUE, NO_DATA, OK, _flag, monitor
from ntm.recognition.tests.helpers import D, actor, certify
from ntm.units.models import AdminUnit

AS_OF = D(2024, 12, 31)


def _recognize(unit, tier="standard", day=None):
    day = day or D(2023, 12, 1)
    return Recognition.objects.create(
        unit=unit, tier=tier, decision_number=f"{unit.pk}/QĐ-UBND", decision_date=day
    )


def _commune(world, name: str) -> AdminUnit:
    return AdminUnit.objects.create(
        code="", name=name, short_name=name, kind="commune", level="commune",
        parent=world["district"], valid_to=D(2025, 7, 1), region="BTB", source="user",
    )  # fmt: skip


def _flag_of(world, failing: tuple[int, ...]) -> str:
    unit = world["ky_lac"]
    _recognize(unit)
    certify(unit, failing=failing, on=D(2024, 6, 30))
    report = monitor(world["province"], scope=scope_for_unit(world["province"].pk), as_of=AS_OF)
    (row,) = report.rows
    return row.flag


@pytest.mark.parametrize(
    ("failing", "flag"),
    [
        pytest.param((), OK, id="all-met"),
        pytest.param((1,), OK, id="10%-no-key"),
        pytest.param((1, 2), CLOSE, id="20%-close-by-share"),
        pytest.param((10,), CLOSE, id="10%-key-criterion-close"),
        pytest.param((1, 2, 3), CLOSE, id="30%-without-key-not-due"),
        pytest.param((1, 2, 10), DUE, id="30%-with-key-due"),
        pytest.param((1, 2, 3, 4), CLOSE, id="40%-without-key-not-due"),
        pytest.param((1, 2, 3, 10), DUE, id="40%-with-key-due"),
        pytest.param((1, 2, 3, 4, 5), DUE, id="50%-without-key-due"),
        pytest.param((1, 2, 3, 4, 5, 6, 7), DUE, id="70%-due"),
    ],
)
def test_revocation_bands_and_close_flags(world, failing, flag):
    assert _flag_of(world, failing) == flag


def test_a_recognized_commune_without_current_data_is_listed_apart(world):
    _recognize(world["ky_lac"])
    report = monitor(world["province"], scope=scope_for_unit(world["province"].pk), as_of=AS_OF)
    (row,) = report.rows
    assert (row.flag, row.met, row.missing, row.total) == (NO_DATA, 0, 10, 10)


def test_row_names_the_failed_and_key_criteria(world):
    unit = world["ky_lac"]
    recognition = _recognize(unit)
    certify(unit, failing=(2, 5, 10), on=D(2024, 6, 30))
    (row,) = monitor(
        world["district"], scope=scope_for_unit(world["district"].pk), as_of=AS_OF
    ).rows
    assert row.recognition == recognition
    assert (row.met, row.total, row.percent) == (7, 10, 30.0)
    assert row.failed == ["2. Tiêu chí 2", "5. Tiêu chí 5", "10. Thu nhập"]
    assert row.key_failed == ["10. Thu nhập"]
    assert row.criteria_set.set_id == "test-ten"


@pytest.mark.parametrize(
    ("due", "share", "key", "close_share", "on_key", "judged", "flag"),
    [
        pytest.param(True, 0.5, False, 0.2, True, 10, DUE, id="due-wins"),
        pytest.param(False, 0.2, False, 0.2, True, 10, CLOSE, id="at-the-share"),
        pytest.param(False, 0.19, False, 0.2, True, 10, OK, id="below-the-share"),
        pytest.param(False, 0.1, True, 0.2, True, 10, CLOSE, id="key-failed"),
        pytest.param(False, 0.1, True, 0.2, False, 10, OK, id="key-warning-off"),
        pytest.param(False, 0.0, False, 0.2, True, 0, NO_DATA, id="nothing-judged"),
    ],
)
def test_flag_rule(due, share, key, close_share, on_key, judged, flag):
    assert (
        _flag(
            due=due,
            share=share,
            key_failed=key,
            close_share=close_share,
            close_on_key=on_key,
            judged=judged,
        )  # fmt: skip
        == flag
    )


def test_the_province_can_move_the_close_band_and_turn_off_the_key_warning(world):
    office = actor(world, "hatinh")
    for key, value in (("monitoring_close_share", 30), ("monitoring_close_on_key", 0)):
        services.set_procedure_setting(
            province=world["province"], key=key, value=value, decision_date=D(2024, 1, 1),
            actor=office, note="Văn phòng điều phối thống nhất ngưỡng cảnh báo.",
        )  # fmt: skip
    units = {n: _commune(world, f"Xã {n}") for n in ("A", "B", "C")}
    for name, failing in (("A", (1, 2)), ("B", (10,)), ("C", (1, 2, 3))):
        _recognize(units[name])
        certify(units[name], failing=failing, on=D(2024, 6, 30))
    report = monitor(world["province"], scope=scope_for_unit(world["province"].pk), as_of=AS_OF)
    flags = {r.unit.name: r.flag for r in report.rows}
    assert flags == {"Xã A": OK, "Xã B": OK, "Xã C": CLOSE}


def test_revoked_and_later_recognitions_are_not_monitored(world):
    revoked = _recognize(world["ky_lac"])
    Revocation.objects.create(
        recognition=revoked, decision_number="9/QĐ", decision_date=D(2024, 6, 1)
    )
    _recognize(world["ky_tay"], day=D(2025, 1, 10))
    report = monitor(world["province"], scope=scope_for_unit(world["province"].pk), as_of=AS_OF)
    assert report.rows == []


def test_each_tier_in_force_is_a_row(world):
    unit = world["ky_lac"]
    _recognize(unit)
    Recognition.objects.create(
        unit=unit, tier="advanced", decision_number="A/QĐ", decision_date=D(2024, 1, 5)
    )
    report = monitor(world["province"], scope=scope_for_unit(world["province"].pk), as_of=AS_OF)
    tiers = sorted(r.recognition.tier for r in report.rows)
    assert tiers == ["advanced", "standard"]
    advanced = next(r for r in report.rows if r.recognition.tier == "advanced")
    assert advanced.criteria_set is None and advanced.flag == NO_DATA  # no advanced set loaded


def test_scope_limits_the_communes(world):
    for unit, failing in ((world["ky_lac"], (1, 2, 3, 4, 5)), (world["ky_tay"], (1, 2, 3, 4, 5))):
        _recognize(unit)
        certify(unit, failing=failing, on=D(2024, 6, 30))
    report = monitor(world["province"], scope=scope_for_unit(world["ky_lac"].pk), as_of=AS_OF)
    assert [r.unit.name for r in report.rows] == ["Xã Kỳ Lạc"]


def _queries(world, count: int) -> int:
    for i in range(count):
        unit = _commune(world, f"Xã Thử {count}-{i}")
        _recognize(unit)
        certify(unit, failing=tuple(range(1, 1 + i % 6)), on=D(2024, 6, 30))
    scope = scope_for_unit(world["province"].pk)
    with CaptureQueriesContext(connection) as captured:
        report = monitor(world["province"], scope=scope, as_of=AS_OF)
    assert report.recognized >= count
    return len(captured)


def test_monitoring_queries_do_not_grow_with_the_communes(world, django_assert_max_num_queries):
    few = _queries(world, 3)
    many = _queries(world, 12)
    assert many == few
    scope = scope_for_unit(world["province"].pk)
    # communes, recognitions, sets in force, linked provinces, settings, values,
    # certifications, open cases
    with django_assert_max_num_queries(8):
        monitor(world["province"], scope=scope, as_of=AS_OF)

"""Many certifications or recognitions at once: the one-by-one services' checks, all or
nothing, one audit entry each, dated by the caller's clock when it gives one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ntm.approvals import approval
from ntm.approvals.tests.approval_world import PERIOD, YEAR_END, World, world
from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor
from ntm.recognition.models import Recognition
from ntm.values.bulk_records import (
    CertificationRow,
    RecognitionRow,
    RecordsRefused,
    record_certifications,
    record_recognitions,
)
from ntm.values.models import CriterionCertification

__all__ = ["world"]

SYSTEM = Actor(user=None, channel="system")
CRITERION = "test-commune:2"


def test_a_recognition_before_its_unit_existed_is_refused_and_nothing_is_written(world: World):
    """Lâm Hợp was formed on 1/12/2019: the demo's synthetic draw once dated such communes'
    recognitions years before they existed, which the one-by-one service refuses too."""
    rows = [
        RecognitionRow(world.units["ky_tay"].pk, "standard", "1/QĐ", dt.date(2018, 12, 15)),
        RecognitionRow(world.units["lam_hop"].pk, "standard", "2/QĐ", dt.date(2015, 12, 15)),
    ]
    with pytest.raises(RecordsRefused, match="Xã Lâm Hợp không tồn tại vào ngày 15/12/2015"):
        record_recognitions(rows, actor=SYSTEM)
    assert not Recognition.objects.exists()
    assert not AuditEntry.objects.exists()


def test_recognitions_are_checked_like_the_one_by_one_service(world: World):
    ky_tay = world.units["ky_tay"].pk
    day = dt.date(2020, 12, 15)
    record_recognitions([RecognitionRow(ky_tay, "standard", "1/QĐ", day)], actor=SYSTEM)
    with pytest.raises(RecordsRefused) as refused:
        record_recognitions(
            [
                RecognitionRow(ky_tay, "gold", "2/QĐ", day),
                RecognitionRow(ky_tay, "standard", " ", day),
                RecognitionRow(ky_tay, "standard", "1/QĐ", day),
            ],
            actor=SYSTEM,
        )
    assert len(refused.value.problems) == 3
    assert "đã có quyết định 1/QĐ" in refused.value.problems[2]
    assert Recognition.objects.count() == 1


def test_certifications_supersede_and_are_audited_at_the_given_time(world: World):
    ky_lac = world.units["ky_lac"].pk
    then = timezone.now() - dt.timedelta(days=40)
    record_certifications([CertificationRow(ky_lac, CRITERION, False, YEAR_END)], actor=SYSTEM)
    record_certifications(
        [CertificationRow(ky_lac, CRITERION, True, YEAR_END)], actor=SYSTEM, reason="r", now=then
    )
    old, new = CriterionCertification.objects.order_by("pk")
    assert (old.is_current, new.is_current, new.supersedes_id) == (False, True, old.pk)
    entry = AuditEntry.objects.get(object_id=str(new.pk), action="certification.record")
    assert (entry.at, entry.reason, entry.channel) == (then, "r", "system")
    assert entry.old == {"is_met": False, "certification": old.pk}


def test_certifications_refuse_unknown_criteria_days_out_of_force_and_frozen_periods(
    world: World,
):
    ky_lac, lam_hop = world.units["ky_lac"], world.units["lam_hop"]
    approval.submit_period(unit=ky_lac, criteria_set=world.criteria_set, period=PERIOD,
                           actor=world.actor("kylac"))  # fmt: skip
    rows = [
        CertificationRow(ky_lac.pk, "test-commune:99", True, YEAR_END),
        CertificationRow(lam_hop.pk, CRITERION, True, dt.date(2018, 12, 31)),
        CertificationRow(ky_lac.pk, CRITERION, True, YEAR_END),
    ]
    with pytest.raises(RecordsRefused) as refused:
        record_certifications(rows, actor=SYSTEM)
    problems = refused.value.problems
    assert "test-commune:99" in problems[0]
    assert "Xã Lâm Hợp không tồn tại vào ngày 31/12/2018" in problems[1]
    assert "đang được xét duyệt" in problems[2]
    assert not CriterionCertification.objects.exists()

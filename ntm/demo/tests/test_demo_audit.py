"""The demo writes through the services: every record it makes has its audit entry."""

from __future__ import annotations

import pytest

from ntm.approvals.models import Submission
from ntm.audit.models import AuditEntry
from ntm.demo import writes
from ntm.programme.models import Registration, Sponsorship, Target
from ntm.recognition.models import Reacknowledgement, Recognition
from ntm.reports.models import ReportedFigure
from ntm.values.models import CriterionCertification, IndicatorValue

pytestmark = pytest.mark.django_db

DOMAIN_TABLES = (
    IndicatorValue,
    CriterionCertification,
    Recognition,
    Target,
    Registration,
    Sponsorship,
    ReportedFigure,
    Submission,
    Reacknowledgement,
)


@pytest.mark.parametrize("model", DOMAIN_TABLES, ids=lambda m: m.__name__)
def test_every_demo_record_has_its_audit_entry(model):
    """Counts per object type match: no record written around a service (a raw insert, a
    bulk_create or an .update) is left without the entry its service writes."""
    rows = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
    audited = set(
        AuditEntry.objects.filter(object_type=model._meta.label_lower).values_list(
            "object_id", flat=True
        )
    )
    assert rows, f"the demo writes {model.__name__}"
    assert len(rows - audited) == 0, f"{len(rows - audited)} {model.__name__} without an entry"
    assert audited <= rows


def test_the_synthetic_rows_are_entered_by_the_system_as_demo_data():
    entries = AuditEntry.objects.filter(reason=writes.REASON)
    assert entries.filter(action="certification.record").count() > 100_000
    assert entries.filter(action="recognition.record").exists()
    assert entries.filter(action="value.create").exists()
    assert set(entries.values_list("channel", flat=True).distinct()) == {"system"}
    assert not entries.filter(actor__isnull=False).exists()


def test_corrected_synthetic_rows_keep_what_they_replaced():
    """The communes report 002 makes model targets were corrected through the services
    (the synthetic draw stays in history, superseded), not rewritten in place."""
    corrected = CriterionCertification.objects.filter(supersedes__isnull=False, is_met=True)
    assert corrected.exists()
    for row in corrected[:20]:
        assert row.supersedes.is_current is False
        assert (
            AuditEntry.objects.filter(
                object_type=CriterionCertification._meta.label_lower, object_id=str(row.pk)
            )
            .get()
            .old["certification"]
            == row.supersedes_id
        )

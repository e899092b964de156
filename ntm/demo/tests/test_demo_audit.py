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


def test_each_demo_account_is_set_up_through_the_accounts_services():
    """Created by the system (the user service's entry), then given its password, flags and
    demo mark (the provisioning entry): never written around the services."""
    from django.contrib.auth import get_user_model

    from ntm.demo.loader import ACCOUNTS

    for account in ACCOUNTS:
        user = get_user_model().objects.get(username=account.username)
        entries = AuditEntry.objects.filter(object_type="auth.user", object_id=str(user.pk))
        created = entries.get(action="user.create")
        assert (created.channel, created.actor_id, created.reason) == (
            "system",
            None,
            writes.REASON,
        )
        assert created.new["role"] == account.role
        provisioned = entries.get(action="user.provision")
        assert provisioned.new["password"] == "set" and provisioned.new["is_demo"] is True
        assert "ntm-demo" not in str(provisioned.old) + str(provisioned.new)


def test_each_department_and_its_sector_is_set_up_through_the_departments_service():
    from ntm.units.models import Department

    departments = Department.objects.all()
    assert departments.count() == 16  # one per sector, and the coordination office
    for department in departments:
        entries = AuditEntry.objects.filter(
            object_type=Department._meta.label_lower, object_id=str(department.pk)
        )
        assert entries.filter(action="department.create").exists(), department.name
        assert set(entries.values_list("actor__username", "channel")) == {("admin", "system")}


def test_every_case_event_and_document_has_its_audit_entry_at_the_demo_s_time():
    """Each step of a demo case went through its service on the demo's clock: the step's
    entry has the time of its event (the days the story gives), by the same person."""
    from ntm.recognition.models import CaseDocument, CaseEvent, RecognitionCase

    case_entries = AuditEntry.objects.filter(object_type=RecognitionCase._meta.label_lower)
    events = CaseEvent.objects.select_related("case").exclude(action="skip_verification")
    assert events.count() >= 25
    for event in events:
        entry = case_entries.get(
            object_id=str(event.case_id), action=f"recognition_case.{event.action}"
        )
        assert (entry.at, entry.actor_id, entry.channel) == (event.at, event.actor_id, "system")
        assert entry.at.year in (2022, 2026)
    for document in CaseDocument.objects.all():
        entry = AuditEntry.objects.get(
            object_type=CaseDocument._meta.label_lower, object_id=str(document.pk)
        )
        assert entry.at == document.uploaded_at and entry.action == "recognition_case.document.add"

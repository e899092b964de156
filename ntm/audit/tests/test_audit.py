"""The audit trail is append-only and outlives the records and users it names."""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from ntm.audit.models import AuditEntry
from ntm.audit.services import Actor, Change, client_ip, record_change

pytestmark = pytest.mark.django_db


def test_an_entry_cannot_be_changed_or_deleted():
    entry = record_change(Actor(None), Change(action="value.create", summary="x"))
    entry.summary = "y"
    with pytest.raises(ValueError, match="cannot be changed"):
        entry.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        entry.delete()
    assert AuditEntry.objects.get().summary == "x"


def test_the_database_refuses_to_rewrite_or_delete_entries_in_bulk():
    """Bulk queries and plain SQL bypass the model; the database's triggers do not
    (deletes are refused on PostgreSQL; SQLite's test runner needs DELETE to reset)."""
    record_change(Actor(None), Change(action="value.create", summary="x"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.update(summary="y")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET reason = 'z'")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().summary == "x"


def test_an_entry_survives_its_user_and_keeps_the_name():
    user = get_user_model().objects.create_user("kylac", password="x-long-password-1")
    record_change(
        Actor(user, "10.1.2.3", "web"),
        Change(action="value.create", unit_id=5, unit_label="Xã Kỳ Lạc"),
    )
    user_id = user.pk
    user.delete()
    entry = AuditEntry.objects.get()
    # The entry is not touched: it keeps the id (a per-user trail still finds it) and name.
    assert (entry.actor_id, entry.actor_name, entry.ip_address) == (user_id, "kylac", "10.1.2.3")
    assert (entry.unit_id, entry.unit_label) == (5, "Xã Kỳ Lạc")


def test_client_ip_reads_forwarded_for_only_behind_a_trusted_proxy(settings):
    """The entry our one proxy appended (the last), never what the client wrote before it."""
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1"
    )
    settings.NTM_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
    settings.NTM_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.1"


def test_an_entry_takes_the_time_of_its_change_when_given_one():
    """A service given its clock (the demo's "submitted 40 days ago") dates its entries then,
    one by one and in bulk; without one, an entry is dated now."""
    import datetime as dt

    from django.utils import timezone

    from ntm.audit.services import record_changes

    then = timezone.now() - dt.timedelta(days=40)
    one = record_change(Actor(None), Change(action="value.create", summary="a"), now=then)
    record_changes(Actor(None), [Change(action="value.create", summary="b")] * 2, now=then)
    present = record_change(Actor(None), Change(action="value.create", summary="c"))
    one.refresh_from_db()
    assert one.at == then
    assert list(AuditEntry.objects.filter(summary="b").values_list("at", flat=True)) == [then] * 2
    assert present.at > then + dt.timedelta(days=39)

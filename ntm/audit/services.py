"""Write audit entries: one for a change, or many in one statement for a bulk change.

The clock: every write service that stamps a time takes an optional keyword
``now: datetime | None = None`` and passes it on here, so an entry's ``at`` is the time
of the change it describes. Real requests never pass it (the time is the present); the
demo loader passes its own clock ("this period was submitted 40 days ago"), so the
records it writes through the services carry their audit entries at the same times.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from ntm.audit.addresses import client_address
from ntm.audit.models import AuditEntry
from ntm.audit.rows import insert_rows


@dataclass(frozen=True)
class Actor:
    """Who acts and from where; passed to every write service."""

    user: AbstractBaseUser | None
    ip_address: str | None = None
    channel: str = "cli"  # web | api | cli | system

    @property
    def name(self) -> str:
        if self.user is None or not self.user.is_authenticated:
            return ""
        return self.user.get_username()

    @classmethod
    def from_request(cls, request: HttpRequest, *, channel: str = "web") -> Actor:
        user = request.user if not isinstance(request.user, AnonymousUser) else None
        return cls(user=user, ip_address=client_ip(request), channel=channel)

    @classmethod
    def system(cls) -> Actor:
        return cls(user=None, channel="system")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, always a valid IP or None: behind NTM_PROXY_COUNT proxies the
    entry that many places from the right of X-Forwarded-For, else the connection's
    (``ntm.audit.addresses``). The login lockout counts failures by the same address."""
    return client_address(request.META, getattr(settings, "NTM_PROXY_COUNT", 0))


@dataclass(frozen=True)
class Change:
    """One change to describe: the record (or its type and id), its unit, old and new."""

    action: str
    obj: models.Model | None = None
    object_type: str = ""
    object_id: str = ""
    unit_id: int | None = None
    unit_label: str = ""
    summary: str = ""
    old: Any = None
    new: Any = None


def _entry(actor: Actor, change: Change, reason: str, now: datetime | None) -> AuditEntry:
    object_type, object_id = change.object_type, change.object_id
    if change.obj is not None:
        object_type = object_type or change.obj._meta.label_lower
        object_id = object_id or str(change.obj.pk)
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    return AuditEntry(
        actor=user,
        actor_name=actor.name,
        ip_address=actor.ip_address,
        channel=actor.channel,
        action=change.action,
        object_type=object_type,
        object_id=object_id,
        unit_id=change.unit_id,
        unit_label=change.unit_label[:200],
        summary=change.summary[:300],
        old=change.old,
        new=change.new,
        reason=reason,
        at=now or timezone.now(),
    )


def record_change(
    actor: Actor, change: Change, *, reason: str = "", now: datetime | None = None
) -> AuditEntry:
    """Append one entry; call it inside the transaction of the change it describes.
    ``now``: the time of the change when it is not the present (the demo's clock)."""
    entry = _entry(actor, change, reason, now)
    entry.save()
    return entry


class AuditedUnit(Protocol):
    """The unit an entry is filed under (an ``AdminUnit``): its id and its name."""

    pk: Any
    name: str


def audit_write(
    actor: Actor | None,
    user: AbstractBaseUser | None,
    action: str,
    obj,
    *,
    unit: AuditedUnit,
    summary: str,
    new: dict,
    old: dict | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> None:
    """The entry of one record a write service created (the values, recognition, programme
    and reports services): every write there leaves an entry; without an actor, the user
    (or the system) acts. ``now``: the time of the write if not the present (the demo's
    clock)."""
    if actor is None:
        actor = Actor(
            user=user if getattr(user, "is_authenticated", False) else None, channel="system"
        )
    record_change(
        actor,
        Change(action=action, obj=obj, unit_id=unit.pk, unit_label=unit.name, summary=summary,
               old=old, new=new),
        reason=reason,
        now=now,
    )  # fmt: skip


#: The columns ``record_changes`` writes, in order.
ENTRY_COLUMNS = (
    "at", "actor", "actor_name", "ip_address", "channel", "action", "object_type", "object_id",
    "unit_id", "unit_label", "summary", "old", "new", "reason",
)  # fmt: skip


def record_changes(
    actor: Actor, changes: Iterable[Change], *, reason: str = "", now: datetime | None = None
) -> int:
    """Append many entries in bulk (an import of thousands of values), all at ``now``.

    Written as plain rows (``rows.insert_rows``): a national load writes hundreds of
    thousands of entries, and building a model instance for each is most of the time.
    """
    from django.db import connection

    now = now or timezone.now()
    user = actor.user if actor.user is not None and actor.user.is_authenticated else None
    ip = AuditEntry._meta.get_field("ip_address").get_db_prep_save(actor.ip_address, connection)
    head = (now, user.pk if user else None, actor.name, ip, actor.channel)

    def row(change: Change) -> tuple:
        object_type, object_id = change.object_type, change.object_id
        if change.obj is not None:
            object_type = object_type or change.obj._meta.label_lower
            object_id = object_id or str(change.obj.pk)
        return (
            *head, change.action, object_type, object_id, change.unit_id,
            change.unit_label[:200], change.summary[:300], change.old, change.new, reason,
        )  # fmt: skip

    return insert_rows(AuditEntry, ENTRY_COLUMNS, (row(change) for change in changes))

"""Read the audit trail: what a user may see, filtered for the trail pages and exports.

An office sees the entries of its scope (a national office: everything); other roles see
the entries of their own unit's scope without the account changes, except those about
themselves. Entries name their unit by id only, so an entry outlives its record and unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from ntm.accounts.permissions import OFFICE_ROLES, role_of
from ntm.accounts.scope import scope_for_unit, scope_of
from ntm.audit.keys import object_type_keys
from ntm.audit.labels import ACCOUNT_PREFIXES
from ntm.audit.models import AuditEntry

#: Groups of actions for the filter, by the prefix of their code.
KINDS = {
    "values": ("value.", "evidence.", "submission.", "certification."),
    "recognition": ("recognition.", "revocation.", "target.", "registration.", "sponsorship."),
    "criteria": ("criteria_set.",),
    "units": ("unit.", "boundaries."),
    "users": ACCOUNT_PREFIXES,
}


def _prefixes(prefixes: tuple[str, ...]) -> Q:
    condition = Q()
    for prefix in prefixes:
        condition |= Q(action__startswith=prefix)
    return condition


def visible_entries(viewer: AbstractBaseUser | AnonymousUser | None) -> QuerySet[AuditEntry]:
    """Every entry this user may read."""
    if viewer is None or not viewer.is_authenticated or role_of(viewer) is None:
        return AuditEntry.objects.none()
    scope = scope_of(viewer)
    entries = AuditEntry.objects.all()
    if not scope.is_national:
        entries = entries.filter(unit_id__in=scope.unit_ids)
    if role_of(viewer) not in OFFICE_ROLES:
        about_me = Q(object_type="auth.user", object_id=str(viewer.pk))
        entries = entries.filter(~_prefixes(ACCOUNT_PREFIXES) | about_me)
    return entries


@dataclass(frozen=True)
class AuditFilter:
    """What the trail page or export was asked for; every part optional."""

    unit_id: int | None = None
    actor_id: int | None = None
    action: str = ""
    kind: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_filtered(self) -> bool:
        return any(
            (self.unit_id, self.actor_id, self.action, self.kind, self.object_type,
             self.object_id, self.date_from, self.date_to)
        )  # fmt: skip


def filtered_entries(viewer, wanted: AuditFilter) -> QuerySet[AuditEntry]:
    """The visible entries matching the filter, newest first."""
    entries = visible_entries(viewer)
    if wanted.unit_id is not None:
        # The unit with what lies below it and the units it became or came from.
        below = scope_for_unit(wanted.unit_id).unit_ids or frozenset()
        entries = entries.filter(unit_id__in=below)
    if wanted.actor_id is not None:
        entries = entries.filter(actor_id=wanted.actor_id)
    if wanted.action:
        entries = entries.filter(action=wanted.action)
    if wanted.kind in KINDS:
        entries = entries.filter(_prefixes(KINDS[wanted.kind]))
    if wanted.object_type:
        entries = entries.filter(object_type__in=object_type_keys(wanted.object_type))
    if wanted.object_id:
        entries = entries.filter(object_id=wanted.object_id)
    zone = timezone.get_current_timezone()
    if wanted.date_from is not None:
        entries = entries.filter(at__gte=datetime.combine(wanted.date_from, time.min, zone))
    if wanted.date_to is not None:
        end = datetime.combine(wanted.date_to + timedelta(days=1), time.min, zone)
        entries = entries.filter(at__lt=end)
    return entries.order_by("-at", "-id")


def actions_seen(entries: QuerySet[AuditEntry]) -> list[str]:
    """The distinct action codes among these entries, for the filter's list."""
    return sorted(set(entries.order_by().values_list("action", flat=True).distinct()))

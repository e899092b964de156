"""Read the audit trail: entries filtered for the trail pages and exports.

Who may see which entries depends on scopes and roles, a layer above: that part is
``ntm.accounts.trail``, which calls ``matching_entries`` here. Entries name their unit by
id only, so an entry outlives its record and unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

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


def prefixes_q(prefixes: tuple[str, ...]) -> Q:
    """Actions whose code starts with one of the prefixes."""
    condition = Q()
    for prefix in prefixes:
        condition |= Q(action__startswith=prefix)
    return condition


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


def matching_entries(
    entries: QuerySet[AuditEntry], wanted: AuditFilter, *, unit_ids: frozenset[int] | None
) -> QuerySet[AuditEntry]:
    """The entries matching the filter, newest first; `unit_ids`: those of the unit asked
    for with what lies below it (None: no unit asked for)."""
    if unit_ids is not None:
        entries = entries.filter(unit_id__in=unit_ids)
    if wanted.actor_id is not None:
        entries = entries.filter(actor_id=wanted.actor_id)
    if wanted.action:
        entries = entries.filter(action=wanted.action)
    if wanted.kind in KINDS:
        entries = entries.filter(prefixes_q(KINDS[wanted.kind]))
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

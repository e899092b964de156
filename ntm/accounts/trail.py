"""Who reads which entries of the audit trail: the viewer's scope and role decide.

An office sees the entries of its scope (a national office: everything); other roles see
the entries of their own unit's scope without the account changes, except those about
themselves. A unit asked for in the filter stands for itself, what lies below it and the
units it became or came from. The filtering itself is ``ntm.audit.selectors``.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from ntm.accounts.permissions import OFFICE_ROLES, role_of
from ntm.accounts.scope import scope_for_unit, scope_of
from ntm.audit.labels import ACCOUNT_PREFIXES
from ntm.audit.models import AuditEntry
from ntm.audit.selectors import AuditFilter, matching_entries, prefixes_q


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
        entries = entries.filter(~prefixes_q(ACCOUNT_PREFIXES) | about_me)
    return entries


def filtered_entries(viewer, wanted: AuditFilter) -> QuerySet[AuditEntry]:
    """The visible entries matching the filter, newest first."""
    below = None
    if wanted.unit_id is not None:
        below = scope_for_unit(wanted.unit_id).unit_ids or frozenset()
    return matching_entries(visible_entries(viewer), wanted, unit_ids=below)

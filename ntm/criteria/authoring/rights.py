"""Authoring errors, who may author a criteria set, and reading drafts."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F
from django.utils.translation import gettext as _

from ntm.accounts.permissions import OFFICE_ROLES, WriteDenied, require_write, role_of
from ntm.accounts.scope import scope_of
from ntm.audit.services import Actor
from ntm.core.criteria.model import (
    IndicatorKind,
)
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.units.models import AdminUnit
from ntm.units.selectors import is_in_force

#: Ids that name pages under /criteria/, never a set.
RESERVED_IDS = frozenset({"drafts", "import", "compare", "new"})
#: Kinds an office can add (aggregates are defined with the national sets).
ADDABLE_KINDS = (IndicatorKind.JUDGEMENT, IndicatorKind.NUMBER, IndicatorKind.RATIO)
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,19}")
SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


# --- Errors -------------------------------------------------------------------------------


class AuthoringError(Exception):
    """An edit or a publication refused: the reason in the user's language, and where.

    ``field`` names the form field at fault (for pages and the API); ``place`` says where
    in the set ("tiêu chí 20 › chỉ tiêu 20.1 › ngưỡng thứ 1").
    """

    def __init__(self, message: str, *, field: str = "", place: str = ""):
        self.message, self.field, self.place = message, field, place
        super().__init__(f"{place}: {message}" if place else message)


class NotADraft(AuthoringError):
    """The version is published: it is never edited in place."""


class DraftExists(AuthoringError):
    """The set already has a draft: it is to be continued, not duplicated."""

    def __init__(self, draft: CriteriaSet):
        self.draft = draft
        super().__init__(
            _("Bộ %(set)s đang có bản nháp phiên bản %(version)d: hãy tiếp tục bản nháp đó.")
            % {"set": draft.set_id, "version": draft.version}
        )


class PublishRefused(AuthoringError):
    """A draft that cannot be published yet: every problem, each with its place."""

    def __init__(self, problems: list[AuthoringError]):
        self.problems = problems
        super().__init__(
            _("Chưa ban hành được: %(count)d vấn đề cần sửa.") % {"count": len(problems)}
        )


# --- Who may author ------------------------------------------------------------------------


def province_unit(code: str, year: int | None = None) -> AdminUnit | None:
    """The province with this code in force on 1 January of the year (codes are reused
    across eras); the latest one when none was in force then."""
    provinces = list(AdminUnit.objects.filter(level="province", code=code))
    if not provinces:
        return None
    if year is not None:
        day = dt.date(year, 1, 1)
        for unit in provinces:
            if is_in_force(unit, day):
                return unit
    return max(provinces, key=lambda u: u.valid_from or dt.date.min)


def require_author(
    user: AbstractBaseUser | AnonymousUser | None, *, province_code: str, year: int | None
) -> AdminUnit | None:
    """Raise WriteDenied unless the user has an office role and the set's province (the
    whole country for a national set) is in their scope. Returns the province.

    The province is the unit with the set's code in force when the set's period starts;
    for a set without a period, any unit that carried the code.
    """
    if not province_code:
        require_write(user, None, roles=OFFICE_ROLES)
        return None
    candidates = list(AdminUnit.objects.filter(level="province", code=province_code))
    if not candidates:
        raise WriteDenied(_("Không có tỉnh mã %(code)s.") % {"code": province_code})
    chosen = province_unit(province_code, year) if year is not None else None
    if chosen is not None and year is not None and is_in_force(chosen, dt.date(year, 1, 1)):
        candidates = [chosen]
    scope = scope_of(user)
    province = next((u for u in candidates if scope.allows(u)), candidates[0])
    require_write(user, province, roles=OFFICE_ROLES)
    return province


def _check_author(actor: Actor, *, province_code: str, year: int | None) -> AdminUnit | None:
    """The actor's right to author; an operator at the server's command line may always."""
    if actor.user is None and actor.channel in ("cli", "system"):
        return province_unit(province_code, year) if province_code else None
    return require_author(actor.user, province_code=province_code, year=year)


def may_author(user: AbstractBaseUser | AnonymousUser | None, stored: CriteriaSet) -> bool:
    """Whether the user may edit drafts of this set (and see them)."""
    try:
        require_author(user, province_code=stored.province_code, year=stored.period_start)
    except WriteDenied:
        return False
    return True


def is_author(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Whether the user's role is an office role at all (pages show authoring entries)."""
    return role_of(user) in OFFICE_ROLES


def authoring_provinces(user: AbstractBaseUser | AnonymousUser | None) -> list[AdminUnit]:
    """The provinces the user may author sets for, one per code, newest era first."""
    if not is_author(user):
        return []
    scope = scope_of(user)
    # Newest era first on every database (PostgreSQL sorts NULL first when descending).
    provinces = AdminUnit.objects.filter(level="province").order_by(
        "code", F("valid_from").desc(nulls_last=True)
    )
    if not scope.is_national:
        provinces = scope.filter(provinces)
    chosen: dict[str, AdminUnit] = {}
    for unit in provinces:
        chosen.setdefault(unit.code, unit)
    return sorted(chosen.values(), key=lambda u: u.name)


# --- Reading drafts ------------------------------------------------------------------------


def drafts_for(user: AbstractBaseUser | AnonymousUser | None) -> list[CriteriaSet]:
    """The drafts the user may edit, most recently edited first."""
    if not is_author(user):
        return []
    drafts = CriteriaSet.objects.filter(status=SetStatusChoices.DRAFT).select_related(
        "derived_from", "created_by", "extends"
    )
    return [d for d in drafts.order_by("-updated_at") if may_author(user, d)]


def variants_by_base(province_codes: Iterable[str]) -> dict[str, list[str]]:
    """For each national set id, the ids of the variants these provinces already have."""
    found: dict[str, list[str]] = {}
    rows = (
        CriteriaSet.objects.filter(province_code__in=list(province_codes), extends__isnull=False)
        .values_list("extends__set_id", "set_id")
        .distinct()
        .order_by("set_id")
    )
    for base_id, set_id in rows:
        if set_id not in found.setdefault(base_id, []):
            found[base_id].append(set_id)
    return found


def draft_of(set_id: str) -> CriteriaSet | None:
    return CriteriaSet.objects.filter(set_id=set_id, status=SetStatusChoices.DRAFT).first()


def compared_version(stored: CriteriaSet) -> CriteriaSet | None:
    """What a draft is compared with: the version it came from, else its base set."""
    return stored.derived_from or stored.extends


def document_of(stored: CriteriaSet) -> dict[str, Any]:
    """A working copy of the set's document."""
    return copy.deepcopy(stored.source_document)


def own_numbers(document: dict[str, Any]) -> set[str]:
    """Numbers of the criteria the document itself defines (a variant's additions)."""
    return {str(c.get("number")) for c in document.get("criteria") or [] if isinstance(c, dict)}


def own_codes(document: dict[str, Any]) -> set[str]:
    return {
        str(i.get("code"))
        for c in document.get("criteria") or []
        if isinstance(c, dict)
        for i in c.get("indicators") or []
        if isinstance(i, dict)
    } | {str(i.get("code")) for i in document.get("conditions") or [] if isinstance(i, dict)}


def overridden_codes(document: dict[str, Any]) -> set[str]:
    return {str(o.get("indicator")) for o in document.get("overrides") or [] if isinstance(o, dict)}

"""Who may belong to a department (sở, ngành), and who may put them there.

A department belongs to a unit (a province, or a district with departments of its own);
that unit's coordination office owns it. The rules, one place for the user pages, the
API and the approval steps:

- only the office owning a department (its unit's office, or an office above it, or a
  national administrator) gives a user that department: a district office cannot mint a
  verifier of the province's transport department;
- a verifier works at their department's unit: the Hà Tĩnh transport department's
  verifier is a user of Hà Tĩnh, not of Kỳ Anh;
- any other user may be attached to a department of their unit or of a unit above it.

"The same unit" follows a reorganization at the same level: Hà Tĩnh before 2025 and Hà
Tĩnh after it have one office, so a department of either fits a user of either.

A verifier whose profile breaks these rules (made before they were enforced, or by hand
in the admin) verifies nothing: ``verifier_department_id`` is None for them, so the
approval steps, the queues and the certifications treat them as having no department and
say why (``no_department_reason``).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ntm.accounts.models import RoleChoices
from ntm.accounts.permissions import role_of
from ntm.accounts.scope import Scope, scope_of
from ntm.units.models import AdminUnit, Department, Succession


def same_office_ids(unit: AdminUnit) -> set[int]:
    """The unit and the units of its level it became or came from (one office for all)."""
    ids = {unit.pk}
    linked = Succession.objects.filter(
        Q(predecessor_id=unit.pk) | Q(successor_id=unit.pk),
        predecessor__level=unit.level,
        successor__level=unit.level,
    ).values_list("predecessor_id", "successor_id")
    for before, after in linked:
        ids |= {before, after}
    return ids


def _at_or_above_ids(unit: AdminUnit) -> set[int]:
    """The unit and its ancestors, each with its reorganized same-level counterparts."""
    ids: set[int] = set()
    current: AdminUnit | None = unit
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        ids |= same_office_ids(current)
        current = current.parent if current.parent_id else None
    return ids


def assignable_departments(actor_user: AbstractBaseUser | AnonymousUser | None) -> QuerySet:
    """The departments this office may give users: those of units in its scope."""
    departments = Department.objects.select_related("unit").order_by("unit__name", "name")
    scope = scope_of(actor_user)
    if scope.is_national:
        return departments
    return departments.filter(unit_id__in=scope.unit_ids or ())


def department_refusal(
    actor_user: AbstractBaseUser | AnonymousUser | None,
    *,
    unit: AdminUnit | None,
    role: str,
    department: Department | None,
    current_department_id: int | None = None,
    scope: Scope | None = None,
) -> str | None:
    """Why this office may not give a user of `unit` with `role` this department; None if
    it may. An unchanged department needs no ownership (an office edits the name of a user
    attached by the office above), but it must still fit the unit and the role. `scope`:
    the office's, when it is not the actor's own (whoever runs the server owns all)."""
    if department is None:
        if role == RoleChoices.VERIFIER:
            return _("Người thẩm tra thuộc một sở, ngành: hãy chọn sở, ngành.")
        return None
    owner = department.unit
    changed = department.pk != current_department_id
    if changed and not (scope if scope is not None else scope_of(actor_user)).allows(owner):
        return _(
            "Chỉ văn phòng điều phối của %(owner)s (hoặc cấp trên) mới giao người dùng cho "
            "%(department)s; tài khoản đang thao tác không quản lý %(owner)s."
        ) % {"owner": owner.name, "department": department.name}
    if role == RoleChoices.VERIFIER:
        if unit is None or owner.pk not in same_office_ids(unit):
            return _(
                "Người thẩm tra của %(department)s làm việc tại đơn vị của sở, ngành đó: hãy "
                "chọn đơn vị %(owner)s (đã chọn: %(unit)s)."
            ) % {
                "department": department.name,
                "owner": owner.name,
                "unit": unit.name if unit is not None else _("toàn quốc"),
            }
        return None
    if unit is None or owner.pk not in _at_or_above_ids(unit):
        return _(
            "Sở, ngành “%(department)s” thuộc %(owner)s, không phải đơn vị đã chọn hay cấp "
            "trên của đơn vị đó."
        ) % {"department": department.name, "owner": owner.name}
    return None


def _membership(user: AbstractBaseUser | AnonymousUser | None) -> tuple[int | None, str]:
    """(the verifier's department id if legitimately theirs, else None; why not)."""
    if role_of(user) != RoleChoices.VERIFIER:
        return None, ""
    profile = getattr(user, "profile", None)
    key = (profile.unit_id, profile.department_id) if profile is not None else None
    cached = getattr(user, "_ntm_department", None)
    if cached is not None and cached[0] == key:  # computed for this very profile
        return cached[1]
    department = profile.department if profile is not None and profile.department_id else None
    if department is None:
        found: tuple[int | None, str] = (
            None,
            _(
                "Tài khoản thẩm tra này chưa gắn với sở, ngành nào nên không xác nhận được "
                "tiêu chí; đề nghị quản trị gắn sở, ngành cho tài khoản."
            ),
        )
    elif profile.unit_id is None or department.unit_id not in same_office_ids(profile.unit):
        found = (
            None,
            _(
                "Tài khoản thẩm tra này gắn với %(department)s nhưng không thuộc đơn vị của sở, "
                "ngành đó (%(owner)s) nên không thẩm tra thay sở, ngành được; đề nghị văn phòng "
                "điều phối %(owner)s kiểm tra lại tài khoản."
            )
            % {"department": department.name, "owner": department.unit.name},
        )
    else:
        found = (department.pk, "")
    user._ntm_department = (key, found)  # type: ignore[union-attr]
    return found


def verifier_department_id(user: AbstractBaseUser | AnonymousUser | None) -> int | None:
    """The department a verifier acts for: theirs, if they legitimately belong to it."""
    return _membership(user)[0]


def no_department_reason(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """Why a verifier acts for no department (none attached, or one they do not belong to)."""
    return _membership(user)[1] or _(
        "Tài khoản thẩm tra này chưa gắn với sở, ngành nào nên không xác nhận được "
        "tiêu chí; đề nghị quản trị gắn sở, ngành cho tài khoản."
    )

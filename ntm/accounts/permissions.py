"""Who may write what: a role that writes, and the unit inside the user's scope.

Every write service calls one of these before it changes anything, so pages, the API,
imports and the command line refuse the same things with the same message.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from ntm.accounts.models import RoleChoices
from ntm.accounts.scope import scope_of
from ntm.units.models import AdminUnit

#: Roles that enter indicator values and evidence.
ENTRY_ROLES = frozenset(
    {
        RoleChoices.DATA_ENTRY,
        RoleChoices.VERIFIER,
        RoleChoices.APPROVER,
        RoleChoices.ADMINISTRATOR,
    }
)
#: Roles of a coordination office: criteria-set authoring, province-wide settings.
OFFICE_ROLES = frozenset({RoleChoices.APPROVER, RoleChoices.ADMINISTRATOR})


class WriteDenied(PermissionError):
    """A write the user may not make, with the reason in the user's language."""


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    """The user's role; a superuser counts as an administrator."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return RoleChoices.ADMINISTRATOR
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else None


def can_write(
    user: AbstractBaseUser | AnonymousUser | None,
    unit: AdminUnit | int | None,
    *,
    roles: frozenset[str] = ENTRY_ROLES,
) -> bool:
    return role_of(user) in roles and scope_of(user).allows(unit)


def require_write(
    user: AbstractBaseUser | AnonymousUser | None,
    units: AdminUnit | int | None | Iterable[AdminUnit | int],
    *,
    roles: frozenset[str] = ENTRY_ROLES,
) -> None:
    """Raise WriteDenied unless the user has one of `roles` and every unit is in scope.

    `None` as the unit means the whole country: only a national user may write there.
    """
    role = role_of(user)
    if role is None:
        raise WriteDenied(_("Cần đăng nhập bằng tài khoản có vai trò để thay đổi số liệu."))
    if role not in roles:
        labels = ", ".join(str(RoleChoices(r).label) for r in sorted(roles))
        raise WriteDenied(
            _("Vai trò “%(role)s” không được làm việc này; cần một trong các vai trò: %(roles)s.")
            % {"role": RoleChoices(role).label, "roles": labels}
        )
    scope = scope_of(user)
    many = units if isinstance(units, Iterable) and not isinstance(units, AdminUnit) else [units]
    for unit in many:
        if not scope.allows(unit):
            name = unit.name if isinstance(unit, AdminUnit) else _("toàn quốc")
            if isinstance(unit, int):
                found = AdminUnit.objects.filter(pk=unit).values_list("name", flat=True).first()
                name = found or str(unit)
            raise WriteDenied(
                _("Đơn vị “%(unit)s” nằm ngoài phạm vi được giao của tài khoản này.")
                % {"unit": name}
            )

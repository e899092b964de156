"""User administration by coordination offices, and API tokens; every change audited.

An office user (approver or administrator) manages the users whose unit lies in its
scope, and gives them a unit in that scope and a role never above its own; a national
administrator manages everyone. Passwords are never chosen by the office: it hands the
user a one-time link to set their own.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ntm.accounts import lockout
from ntm.accounts.membership import department_refusal
from ntm.accounts.models import ApiToken, Profile, RoleChoices
from ntm.accounts.permissions import OFFICE_ROLES, WriteDenied, role_of
from ntm.accounts.scope import Scope, scope_of
from ntm.audit.services import Actor, Change, record_change
from ntm.units.models import AdminUnit, Department

User = get_user_model()

#: Roles from the least to the most powerful; nobody gives a role above their own.
ROLE_ORDER = [
    RoleChoices.VIEWER,
    RoleChoices.DATA_ENTRY,
    RoleChoices.VERIFIER,
    RoleChoices.APPROVER,
    RoleChoices.ADMINISTRATOR,
]
#: A new token's key starts with this, so a leaked key is recognisable in a scan.
TOKEN_PREFIX = "ntm_"
#: The channels of whoever runs the server: the command line and the system (the demo).
SERVER_CHANNELS = frozenset({"cli", "system"})


class UserAdminError(ValueError):
    """A user change refused, with the field it concerns and the reason for people."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _rank(role: str | None) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else -1


def is_office(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return role_of(user) in OFFICE_ROLES


def runs_server(actor: Actor) -> bool:
    """A userless actor of the command line or the system: whoever runs the server, who
    may set up any account (as ``manage.py createsuperuser`` may). Never a request."""
    return actor.user is None and actor.channel in SERVER_CHANNELS


def assignable_roles(user: AbstractBaseUser | AnonymousUser | None) -> list[str]:
    """The roles this office user may give: their own and those below it."""
    if not is_office(user):
        return []
    return [r for r in ROLE_ORDER if _rank(r) <= _rank(role_of(user))]


def profile_of(user: AbstractBaseUser) -> Profile | None:
    return Profile.objects.select_related("unit", "department").filter(user=user).first()


def may_manage(actor: AbstractBaseUser | AnonymousUser | None, target: AbstractBaseUser) -> bool:
    """An office user of a scope holding the target's unit, whose role is not below theirs."""
    if not is_office(actor):
        return False
    if target.is_superuser and not actor.is_superuser:
        return False
    try:
        profile = target.profile  # loaded with the user in lists: no query per row
    except Profile.DoesNotExist:
        profile = None
    unit_id = profile.unit_id if profile is not None else None
    if not scope_of(actor).allows(unit_id):
        return False
    target_role = RoleChoices.ADMINISTRATOR if target.is_superuser else role_of(target)
    return _rank(target_role) <= _rank(role_of(actor))


def require_manage(actor: Actor, target: AbstractBaseUser) -> None:
    if runs_server(actor):
        return
    if not may_manage(actor.user, target):
        raise WriteDenied(
            _("Tài khoản này không được quản lý người dùng “%(user)s”.")
            % {"user": target.get_username()}
        )


@dataclass(frozen=True)
class UserData:
    """What an office sets on a user."""

    full_name: str
    email: str
    unit: AdminUnit | None
    role: str
    department: Department | None = None


def _check_data(actor: Actor, data: UserData, current_department_id: int | None = None) -> None:
    """Refuse a role above the office's, a unit outside its scope, a department it does not
    own or that does not fit the unit and role (``ntm.accounts.membership``)."""
    if data.role not in RoleChoices.values:
        raise UserAdminError(_("Vai trò “%(role)s” không tồn tại.") % {"role": data.role}, "role")
    server = runs_server(actor)
    if data.role not in (ROLE_ORDER if server else assignable_roles(actor.user)):
        raise UserAdminError(
            _("Không thể giao vai trò “%(role)s”: cao hơn vai trò của tài khoản đang thao tác.")
            % {"role": RoleChoices(data.role).label},
            "role",
        )
    scope = Scope(None) if server else scope_of(actor.user)
    if data.unit is None and not scope.is_national:
        raise UserAdminError(_("Hãy chọn đơn vị của người dùng."), "unit")
    if data.unit is not None and not scope.allows(data.unit):
        raise UserAdminError(
            _("Đơn vị “%(unit)s” nằm ngoài phạm vi của tài khoản đang thao tác.")
            % {"unit": data.unit.name},
            "unit",
        )
    refusal = department_refusal(
        actor.user,
        unit=data.unit,
        role=data.role,
        department=data.department,
        current_department_id=current_department_id,
        scope=scope,
    )
    if refusal:
        raise UserAdminError(refusal, "department")
    if data.email:
        from django.core.validators import validate_email

        try:
            validate_email(data.email)
        except ValidationError:
            raise UserAdminError(_("Địa chỉ thư điện tử không hợp lệ."), "email") from None


def _state(user: AbstractBaseUser, profile: Profile | None) -> dict:
    """What the audit trail keeps of a user: never the password."""
    return {
        "username": user.get_username(),
        "full_name": user.first_name,
        "email": user.email,
        "is_active": user.is_active,
        "role": profile.role if profile else None,
        "unit_id": profile.unit_id if profile else None,
        "unit": profile.unit.name if profile and profile.unit_id else None,
        "department": profile.department.name if profile and profile.department_id else None,
    }


def _audit(
    actor: Actor,
    action: str,
    user: AbstractBaseUser,
    *,
    summary: str,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
) -> None:
    profile = profile_of(user)
    record_change(
        actor,
        Change(
            action=action,
            object_type="auth.user",
            object_id=str(user.pk),
            unit_id=profile.unit_id if profile else None,
            unit_label=profile.unit.name if profile and profile.unit_id else "",
            summary=summary,
            old=old,
            new=new,
        ),
        reason=reason,
    )


def _changed(old: dict, new: dict) -> tuple[dict, dict]:
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


@transaction.atomic
def create_user(
    *, actor: Actor, username: str, data: UserData, reason: str = ""
) -> AbstractBaseUser:
    """A new user of the actor's scope, without a password: hand them a set-password link."""
    if not is_office(actor.user) and not runs_server(actor):
        raise WriteDenied(
            _("Chỉ văn phòng điều phối (phê duyệt, quản trị) mới quản lý người dùng.")
        )
    username = username.strip()
    if not username:
        raise UserAdminError(_("Hãy nhập tên đăng nhập."), "username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise UserAdminError(
            _("Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (không có dấu cách)."),
            "username",
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise UserAdminError(
            _("Tên đăng nhập “%(username)s” đã có người dùng.") % {"username": username},
            "username",
        )
    _check_data(actor, data)
    user = User(username=username, first_name=data.full_name.strip()[:150], email=data.email)
    user.set_unusable_password()
    user.save()
    profile = Profile.objects.create(
        user=user, unit=data.unit, role=data.role, department=data.department
    )
    _audit(
        actor,
        "user.create",
        user,
        summary=_("Tạo người dùng %(username)s") % {"username": username},
        new=_state(user, profile),
        reason=reason,
    )
    return user


@transaction.atomic
def update_user(
    *, actor: Actor, user: AbstractBaseUser, data: UserData, reason: str = ""
) -> AbstractBaseUser:
    """Change a user's name, e-mail, unit, role and department (nothing when nothing changed)."""
    require_manage(actor, user)
    profile = profile_of(user)
    old = _state(user, profile)
    if user.pk == getattr(actor.user, "pk", None) and (
        data.role != old["role"] or (data.unit.pk if data.unit else None) != old["unit_id"]
    ):
        raise UserAdminError(
            _("Không thể tự đổi vai trò hay đơn vị của chính mình; hãy nhờ một quản trị khác."),
            "role",
        )
    _check_data(actor, data, current_department_id=profile.department_id if profile else None)
    user.first_name = data.full_name.strip()[:150]
    user.email = data.email
    user.save(update_fields=["first_name", "email"])
    if profile is None:
        profile = Profile(user=user)
    profile.unit, profile.role, profile.department = data.unit, data.role, data.department
    profile.save()
    before, after = _changed(old, _state(user, profile))
    if after:
        _audit(
            actor,
            "user.update",
            user,
            summary=_("Sửa người dùng %(username)s") % {"username": user.get_username()},
            old=before,
            new=after,
            reason=reason,
        )
    return user


@transaction.atomic
def set_active(
    *, actor: Actor, user: AbstractBaseUser, is_active: bool, reason: str = ""
) -> AbstractBaseUser:
    """Deactivate a user (they can no longer sign in nor use their tokens), or reactivate."""
    require_manage(actor, user)
    if user.pk == getattr(actor.user, "pk", None) and not is_active:
        raise UserAdminError(_("Không thể tự khóa tài khoản của chính mình."), "is_active")
    if user.is_active == is_active:
        return user
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    _audit(
        actor,
        "user.activate" if is_active else "user.deactivate",
        user,
        summary=(
            _("Mở lại tài khoản %(username)s") if is_active else _("Khóa tài khoản %(username)s")
        )
        % {"username": user.get_username()},
        old={"is_active": not is_active},
        new={"is_active": is_active},
        reason=reason,
    )
    return user


@transaction.atomic
def provision_account(
    *,
    actor: Actor,
    username: str,
    data: UserData,
    password: str,
    superuser: bool = False,
    is_demo: bool = False,
    reason: str = "",
) -> AbstractBaseUser:
    """An account set up by whoever runs the server (the demo's accounts): created or
    brought to `data` by ``create_user`` / ``update_user`` (their checks and entries),
    then given what only the server gives: the password it chooses, the superuser flag and
    the demo mark, with an entry when any of them changes (never the password itself)."""
    if not runs_server(actor):
        raise WriteDenied(
            _("Chỉ văn phòng điều phối (phê duyệt, quản trị) mới quản lý người dùng.")
        )
    user = User.objects.filter(username=username).first()
    if user is None:
        user = create_user(actor=actor, username=username, data=data, reason=reason)
    else:
        user = update_user(actor=actor, user=user, data=data, reason=reason)
    profile = profile_of(user)
    old = {"superuser": user.is_superuser, "is_demo": profile.is_demo, "password": "kept"}
    new = {"superuser": superuser, "is_demo": is_demo, "password": "kept"}
    if not user.has_usable_password() or not user.check_password(password):
        user.set_password(password)
        new["password"] = "set"
    user.is_superuser = user.is_staff = superuser
    user.save(update_fields=["password", "is_superuser", "is_staff"])
    if profile.is_demo != is_demo:
        profile.is_demo = is_demo
        profile.save(update_fields=["is_demo"])
    before, after = _changed(old, new)
    if after:
        _audit(
            actor,
            "user.provision",
            user,
            summary=f"{user.get_username()}: {', '.join(after)}",
            old=before,
            new=after,
            reason=reason,
        )
    return user


@dataclass(frozen=True)
class PasswordLink:
    path: str
    valid_until: datetime


@transaction.atomic
def password_link(*, actor: Actor, user: AbstractBaseUser) -> PasswordLink:
    """A link with which the user sets a new password; it works once, and for a few days.

    The current password keeps working until the link is used, so an office cannot lock
    a user out by asking for a link; the link stops working once the password changes.
    """
    require_manage(actor, user)
    if not user.is_active:
        raise UserAdminError(_("Tài khoản đang bị khóa: hãy mở lại trước."), "is_active")
    from django.conf import settings

    token = default_token_generator.make_token(user)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("web:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    _audit(
        actor,
        "user.password_link",
        user,
        summary=_("Tạo liên kết đặt mật khẩu cho %(username)s") % {"username": user.get_username()},
    )
    return PasswordLink(
        path=path,
        valid_until=timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT),
    )


@transaction.atomic
def unlock_user(*, actor: Actor, user: AbstractBaseUser) -> int:
    """Lift a login lockout (failed attempts forgotten); the number of addresses unlocked."""
    require_manage(actor, user)
    count = lockout.unlock(user.get_username())
    if count:
        _audit(
            actor,
            "user.unlock",
            user,
            summary=_("Mở khóa đăng nhập cho %(username)s") % {"username": user.get_username()},
            new={"attempts_cleared": count},
        )
    return count


# --------------------------------------------------------------------------- API tokens


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    key: str  # shown once, never stored


@transaction.atomic
def create_token(
    *,
    actor: Actor,
    user: AbstractBaseUser,
    name: str = "",
    expires_in_days: int | None = None,
    never_expires: bool = False,
) -> NewToken:
    """A new API key for the user; the key is returned once and only its hash is kept.

    A user makes their own tokens (web, API); the command line makes one for any user.
    Without a number of days a token lasts NTM_TOKEN_DEFAULT_DAYS (180); a token that
    never expires is made only on the command line, by whoever runs the server, on
    request (``ntm token create --never-expires``), e.g. for a reporting job.
    """
    from django.conf import settings

    if actor.channel != "cli" and getattr(actor.user, "pk", None) != user.pk:
        raise WriteDenied(_("Mỗi người chỉ tạo mã truy cập API cho chính mình."))
    if not user.is_active:
        raise UserAdminError(_("Tài khoản đang bị khóa: không thể tạo mã truy cập."), "user")
    if never_expires and (actor.channel != "cli" or expires_in_days is not None):
        raise UserAdminError(
            _(
                "Mã truy cập không thời hạn chỉ được tạo bằng dòng lệnh trên máy chủ "
                "(ntm token create --never-expires), không kèm số ngày hiệu lực."
            ),
            "expires_in_days",
        )
    if expires_in_days is None and not never_expires:
        expires_in_days = settings.NTM_TOKEN_DEFAULT_DAYS
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise UserAdminError(_("Số ngày hiệu lực phải từ 1 đến 3650."), "expires_in_days")
    name = name.strip()[:100] or _("Mã truy cập %(date)s") % {
        "date": timezone.localdate().strftime("%d/%m/%Y")
    }
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[: len(TOKEN_PREFIX) + 6], key_hash=hash_key(key),
        expires_at=expires_at,
    )  # fmt: skip
    _audit(
        actor,
        "token.create",
        user,
        summary=_("Tạo mã truy cập API “%(name)s” (%(prefix)s…) cho %(username)s")
        % {"name": name, "prefix": token.prefix, "username": user.get_username()},
        new={
            "token": token.pk,
            "name": name,
            "prefix": token.prefix,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return NewToken(token=token, key=key)


@transaction.atomic
def revoke_token(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a token: its owner, an office managing the owner, or the command line."""
    owner = token.user
    own = getattr(actor.user, "pk", None) == owner.pk
    if actor.channel != "cli" and not own and not may_manage(actor.user, owner):
        raise WriteDenied(_("Tài khoản này không được thu hồi mã truy cập này."))
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    _audit(
        actor,
        "token.revoke",
        owner,
        summary=_("Thu hồi mã truy cập API “%(name)s” (%(prefix)s…) của %(username)s")
        % {"name": token.name, "prefix": token.prefix, "username": owner.get_username()},
        old={"token": token.pk, "revoked_at": None},
        new={"token": token.pk, "revoked_at": token.revoked_at.isoformat()},
    )
    return token


#: last_used_at is written at most this often for one token.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def user_for_key(key: str) -> AbstractBaseUser | None:
    """The active user of a usable token with this key, or None; notes when it was used."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

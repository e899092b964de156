"""API: users and roles (offices), the caller's API tokens, and the audit trail.

The same services as the /users/ pages, so the same refusals: a role that does not
manage users is a 403, a user outside the office's scope a 404, a refused change a 422
naming the field and the reason. Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from ntm.accounts import lockout
from ntm.accounts.api_types import Day, Id
from ntm.accounts.models import ApiToken, Profile
from ntm.accounts.permissions import WriteDenied
from ntm.accounts.selectors import users_in_scope
from ntm.accounts.services import (
    UserAdminError,
    UserData,
    create_token,
    create_user,
    is_office,
    may_manage,
    password_link,
    revoke_token,
    set_active,
    unlock_user,
    update_user,
)
from ntm.accounts.trail import filtered_entries
from ntm.audit.selectors import AuditFilter
from ntm.audit.services import Actor
from ntm.units.models import AdminUnit, Department

router = Router()
User = get_user_model()


class Message(Schema):
    detail: str


class Refusal(Schema):
    detail: str
    field: str = ""


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    is_active: bool
    role: str | None
    unit_id: int | None = Field(None, description="null: the whole country")
    unit: str | None
    department_id: int | None
    department: str | None
    last_login: dt.datetime | None
    date_joined: dt.datetime
    is_locked_out: bool
    may_manage: bool


class UserIn(Schema):
    full_name: str = ""
    email: str = ""
    unit_id: int | None = Field(None, description="null: the whole country (national offices)")
    role: str = Field(..., description="viewer, data_entry, verifier, approver, administrator")
    department_id: int | None = None
    reason: str = ""


class NewUserIn(UserIn):
    username: str


class UserPatch(Schema):
    full_name: str | None = None
    email: str | None = None
    unit_id: int | None = None
    role: str | None = None
    department_id: int | None = None
    is_active: bool | None = None
    reason: str = ""


class PasswordLinkOut(Schema):
    url: str = Field(..., description="one-time link the user opens to set a password")
    valid_until: dt.datetime


class NewUserOut(Schema):
    user: UserOut
    password_link: PasswordLinkOut


class UnlockOut(Schema):
    cleared: int


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(..., description="the key: shown in this answer only")


class TokenIn(Schema):
    name: str = ""
    expires_in_days: int | None = Field(
        None, ge=1, le=3650, description="valid this many days; null: NTM_TOKEN_DEFAULT_DAYS (180)"
    )


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    channel: str
    ip_address: str | None
    action: str
    object_type: str
    object_id: str
    unit_id: int | None
    unit: str
    summary: str
    old: Any
    new: Any
    reason: str


class AuditPage(Schema):
    count: int
    page: int
    pages: int
    items: list[AuditEntryOut]


# --------------------------------------------------------------------------- helpers


def _user_out(request: HttpRequest, user, locked: set[str] | None = None) -> dict[str, Any]:
    profile = getattr(user, "profile", None)
    if locked is None:
        locked = lockout.locked_usernames([user.username])
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.first_name,
        "email": user.email,
        "is_active": user.is_active,
        "role": profile.role if profile else None,
        "unit_id": profile.unit_id if profile else None,
        "unit": profile.unit.name if profile and profile.unit_id else None,
        "department_id": profile.department_id if profile else None,
        "department": profile.department.name if profile and profile.department_id else None,
        "last_login": user.last_login,
        "date_joined": user.date_joined,
        "is_locked_out": user.username in locked,
        "may_manage": may_manage(request.user, user),
    }


def _office(request: HttpRequest) -> None:
    if not is_office(request.user):
        raise HttpError(403, "Only a coordination office (approver, administrator) manages users.")


def _in_scope(request: HttpRequest):
    return users_in_scope(request.user)


def _managed(request: HttpRequest, user_id: int):
    user = _in_scope(request).filter(pk=user_id).first()
    if user is None:
        raise HttpError(404, f"No user {user_id} in your scope.")
    return user


def _unit(unit_id: int | None) -> AdminUnit | None:
    if unit_id is None:
        return None
    unit = AdminUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise UserAdminError(f"unit_id: there is no administrative unit with id {unit_id}.", "unit")
    return unit


def _department(department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    department = Department.objects.filter(pk=department_id).first()
    if department is None:
        raise UserAdminError(
            f"department_id: there is no department {department_id}.", "department"
        )
    return department


def _refused(error: Exception) -> Status:
    if isinstance(error, WriteDenied):
        return Status(403, {"detail": str(error)})
    return Status(422, {"detail": error.message, "field": error.field})  # type: ignore[attr-defined]


def _link(request: HttpRequest, link) -> dict[str, Any]:
    return {"url": request.build_absolute_uri(link.path), "valid_until": link.valid_until}


# --------------------------------------------------------------------------- users


@router.get(
    "/users",
    response={200: list[UserOut], 403: Message},
    tags=["users"],
    summary="The users of the office's scope",
)
def list_users(request: HttpRequest, q: str = "", role: str = "") -> list[dict[str, Any]]:
    _office(request)
    users = _in_scope(request).order_by("username")
    if q:
        users = users.filter(username__icontains=q)
    if role:
        users = users.filter(profile__role=role)
    users = list(users[:1000])
    locked = lockout.locked_usernames([u.username for u in users])
    return [_user_out(request, u, locked) for u in users]


@router.post(
    "/users",
    response={201: NewUserOut, 403: Message, 422: Refusal},
    tags=["users"],
    summary="Create a user (no password: the answer holds a one-time set-password link)",
)
def create(request: HttpRequest, payload: NewUserIn) -> Status:
    _office(request)
    actor = Actor.from_request(request, channel="api")
    try:
        data = UserData(
            full_name=payload.full_name, email=payload.email.strip(),
            unit=_unit(payload.unit_id), role=payload.role,
            department=_department(payload.department_id),
        )  # fmt: skip
        user = create_user(actor=actor, username=payload.username, data=data, reason=payload.reason)
        link = password_link(actor=actor, user=user)
    except (UserAdminError, WriteDenied) as error:
        return _refused(error)
    user = _in_scope(request).get(pk=user.pk)
    return Status(201, {"user": _user_out(request, user), "password_link": _link(request, link)})


@router.get(
    "/users/{user_id}",
    response={200: UserOut, 403: Message, 404: Message},
    tags=["users"],
    summary="A user of the office's scope",
)
def get_user(request: HttpRequest, user_id: Id) -> dict[str, Any]:
    _office(request)
    return _user_out(request, _managed(request, user_id))


@router.patch(
    "/users/{user_id}",
    response={200: UserOut, 403: Message, 404: Message, 422: Refusal},
    tags=["users"],
    summary="Change a user's name, e-mail, unit, role, department, or deactivate them",
)
def patch_user(request: HttpRequest, user_id: Id, payload: UserPatch) -> Status:
    _office(request)
    user = _managed(request, user_id)
    actor = Actor.from_request(request, channel="api")
    changes = payload.dict(exclude_unset=True)
    profile = Profile.objects.filter(user=user).first()
    try:
        data_fields = {"full_name", "email", "unit_id", "role", "department_id"}
        if data_fields & set(changes):
            data = UserData(
                full_name=changes.get("full_name", user.first_name) or "",
                email=(changes.get("email", user.email) or "").strip(),
                unit=_unit(changes["unit_id"]) if "unit_id" in changes
                else (profile.unit if profile else None),
                role=changes.get("role") or (profile.role if profile else ""),
                department=_department(changes["department_id"]) if "department_id" in changes
                else (profile.department if profile else None),
            )  # fmt: skip
            update_user(actor=actor, user=user, data=data, reason=payload.reason)
        if "is_active" in changes and changes["is_active"] is not None:
            set_active(
                actor=actor, user=user, is_active=changes["is_active"], reason=payload.reason
            )
    except (UserAdminError, WriteDenied) as error:
        return _refused(error)
    return Status(200, _user_out(request, _in_scope(request).get(pk=user.pk)))


@router.post(
    "/users/{user_id}/password-link",
    response={200: PasswordLinkOut, 403: Message, 404: Message, 422: Refusal},
    tags=["users"],
    summary="A one-time link with which the user sets a new password",
)
def make_password_link(request: HttpRequest, user_id: Id) -> Status:
    _office(request)
    user = _managed(request, user_id)
    try:
        link = password_link(actor=Actor.from_request(request, channel="api"), user=user)
    except (UserAdminError, WriteDenied) as error:
        return _refused(error)
    return Status(200, _link(request, link))


@router.post(
    "/users/{user_id}/unlock",
    response={200: UnlockOut, 403: Message, 404: Message},
    tags=["users"],
    summary="Lift a login lockout (too many wrong passwords)",
)
def unlock(request: HttpRequest, user_id: Id) -> Status:
    _office(request)
    user = _managed(request, user_id)
    try:
        cleared = unlock_user(actor=Actor.from_request(request, channel="api"), user=user)
    except WriteDenied as error:
        return _refused(error)
    return Status(200, {"cleared": cleared})


# --------------------------------------------------------------------------- tokens


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/tokens", response=list[TokenOut], tags=["tokens"], summary="My API tokens")
def list_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    return [_token_out(t) for t in ApiToken.objects.filter(user=request.user)]


@router.post(
    "/tokens",
    response={201: NewTokenOut, 422: Refusal},
    tags=["tokens"],
    summary="Make an API token for myself (the key is in this answer only)",
)
def new_token(request: HttpRequest, payload: TokenIn) -> Status:
    try:
        made = create_token(
            actor=Actor.from_request(request, channel="api"),
            user=request.user,
            name=payload.name,
            expires_in_days=payload.expires_in_days,
        )
    except (UserAdminError, WriteDenied) as error:
        return _refused(error)
    return Status(201, {**_token_out(made.token), "token": made.key})


@router.delete(
    "/tokens/{token_id}",
    response={200: TokenOut, 404: Message},
    tags=["tokens"],
    summary="Revoke one of my tokens (an office: a token of a user it manages)",
)
def delete_token(request: HttpRequest, token_id: Id) -> Status:
    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    if token is None or not (
        token.user_id == request.user.pk or may_manage(request.user, token.user)
    ):
        raise HttpError(404, f"No token {token_id} that you may revoke.")
    revoke_token(actor=Actor.from_request(request, channel="api"), token=token)
    return Status(200, _token_out(token))


# --------------------------------------------------------------------------- audit


@router.get(
    "/audit",
    response={200: AuditPage, 404: Message},
    tags=["audit"],
    summary="The audit trail the caller may see, filtered, newest first, 100 per page",
)
def audit(
    request: HttpRequest,
    unit_id: Id | None = None,
    actor_id: Id | None = None,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: Day | None = None,
    date_to: Day | None = None,
    page: int = Query(1, ge=1),
) -> dict[str, Any]:
    from ntm.accounts.scope import scope_of

    if unit_id is not None and not scope_of(request.user).allows(unit_id):
        raise HttpError(404, f"No unit {unit_id} in your scope.")
    wanted = AuditFilter(
        unit_id=unit_id, actor_id=actor_id, action=action, object_type=object_type,
        object_id=object_id, date_from=date_from, date_to=date_to,
    )  # fmt: skip
    paginator = Paginator(filtered_entries(request.user, wanted), 100)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "items": [
            {
                "id": e.pk,
                "at": e.at,
                "actor": e.actor_name,
                "channel": e.channel,
                "ip_address": e.ip_address,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "unit_id": e.unit_id,
                "unit": e.unit_label,
                "summary": e.summary,
                "old": e.old,
                "new": e.new,
                "reason": e.reason,
            }
            for e in current.object_list
        ],  # fmt: skip
    }

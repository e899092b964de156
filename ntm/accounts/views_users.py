"""User administration for coordination offices, and each user's own account page.

An office (approver, administrator) lists, creates and edits the users of its scope,
deactivates them, unlocks a login lockout and hands out one-time set-password links; the
checks live in ``ntm.accounts.services`` so the API refuses the same things. Other roles
get a 403 page saying who manages users. Every user manages their own API tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Paginator
from django.db.models import Case, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ntm.accounts import lockout
from ntm.accounts.membership import assignable_departments
from ntm.accounts.models import ApiToken, Profile, RoleChoices
from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import Scope, scope_of
from ntm.accounts.selectors import users_in_scope
from ntm.accounts.services import (
    UserAdminError,
    UserData,
    assignable_roles,
    create_token,
    is_office,
    may_manage,
    password_link,
    revoke_token,
    set_active,
    unlock_user,
    update_user,
)
from ntm.accounts.services import create_user as create_user_service
from ntm.audit.services import Actor
from ntm.units.models import AdminUnit, Department
from ntm.units.selectors import find_unit

User = get_user_model()
PAGE_SIZE = 50
#: Unit levels a user can belong to (a village office works under its commune's account).
USER_LEVELS = ("province", "district", "commune")


# --------------------------------------------------------------------------- selectors


def unit_choices(scope: Scope) -> list[tuple[str, list[tuple[str, str]]]]:
    """Units a user may be given, grouped by level. A national office picks provinces and
    districts here, and communes by code (10,000 of them make no usable list)."""
    levels = ("province", "district") if scope.is_national else USER_LEVELS
    units = scope.filter(
        AdminUnit.objects.filter(level__in=levels).select_related("parent__parent")
    ).order_by("level", "parent__parent__name", "parent__name", "name", "valid_from")
    groups: dict[str, list[tuple[str, str]]] = {level: [] for level in levels}
    for unit in units:
        groups[unit.level].append((str(unit.pk), unit_label(unit)))
    names = {"province": _("Tỉnh"), "district": _("Huyện"), "commune": _("Xã")}
    return [(names[level], groups[level]) for level in levels if groups[level]]


def unit_label(unit: AdminUnit) -> str:
    parts = [unit.name]
    if unit.parent_id:
        parts.append(unit.parent.name)
    label = " — ".join(parts)
    if unit.valid_to is not None:
        label += " " + _("(đến %(date)s)") % {"date": f"{unit.valid_to:%d/%m/%Y}"}
    elif unit.valid_from is not None:
        label += " " + _("(từ %(date)s)") % {"date": f"{unit.valid_from:%d/%m/%Y}"}
    return label


def department_choices(scope: Scope, viewer: AbstractBaseUser) -> list[Department]:
    """Departments the viewer's office owns (the service checks the match with the unit)."""
    return list(assignable_departments(viewer))


# --------------------------------------------------------------------------- form


class UserForm(forms.Form):
    """The fields an office sets; the choices depend on the office's scope and role."""

    username = forms.CharField(label=gettext_lazy("Tên đăng nhập"), max_length=150)
    full_name = forms.CharField(
        label=gettext_lazy("Họ tên, chức danh"), max_length=150, required=False
    )
    email = forms.CharField(label=gettext_lazy("Thư điện tử"), max_length=254, required=False)
    unit = forms.ChoiceField(label=gettext_lazy("Đơn vị"), required=False)
    unit_code = forms.CharField(
        label=gettext_lazy("hoặc mã xã, phường"),
        max_length=10,
        required=False,
        help_text=gettext_lazy("Mã chính thức, ví dụ 18850; đơn vị đang có hiệu lực."),
    )
    role = forms.ChoiceField(label=gettext_lazy("Vai trò"))
    department = forms.ChoiceField(label=gettext_lazy("Sở, ngành"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Lý do (ghi vào nhật ký)"), max_length=300, required=False
    )

    def __init__(self, *args, viewer: AbstractBaseUser, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(viewer)
        self.scope = scope
        blank = [("", _("Toàn quốc") if scope.is_national else _("— chọn đơn vị —"))]
        self.fields["unit"].choices = blank + unit_choices(scope)
        if not scope.is_national:
            del self.fields["unit_code"]
        self.fields["role"].choices = [(r, RoleChoices(r).label) for r in assignable_roles(viewer)]
        self.fields["department"].choices = [("", _("— không —"))] + [
            (str(d.pk), f"{d.name} ({d.unit.name})") for d in department_choices(scope, viewer)
        ]
        if editing:
            self.fields["username"].disabled = True
            self.fields["username"].required = False

    def clean(self):
        data = super().clean()
        code = (data.get("unit_code") or "").strip()
        unit = None
        if code:
            try:
                record = find_unit(code, on=timezone.localdate())
            except Exception:  # noqa: BLE001 - unknown or ambiguous: say so in words
                self.add_error(
                    "unit_code",
                    _("Không có đơn vị đang hiệu lực mang mã “%(code)s”.") % {"code": code},
                )
                return data
            unit = AdminUnit.objects.get(pk=record.id)
        elif data.get("unit"):
            unit = AdminUnit.objects.filter(pk=int(data["unit"])).first()
        data["unit_obj"] = unit
        department_id = data.get("department")
        data["department_obj"] = (
            Department.objects.filter(pk=int(department_id)).first() if department_id else None
        )
        return data

    def user_data(self) -> UserData:
        data = self.cleaned_data
        return UserData(
            full_name=data.get("full_name", ""),
            email=(data.get("email") or "").strip(),
            unit=data.get("unit_obj"),
            role=data["role"],
            department=data.get("department_obj"),
        )


def _initial(user: AbstractBaseUser) -> dict:
    profile = Profile.objects.filter(user=user).first()
    return {
        "username": user.get_username(),
        "full_name": user.first_name,
        "email": user.email,
        "unit": str(profile.unit_id) if profile and profile.unit_id else "",
        "role": profile.role if profile else "",
        "department": str(profile.department_id) if profile and profile.department_id else "",
    }


# --------------------------------------------------------------------------- views


def _office_only(request: HttpRequest) -> HttpResponse | None:
    if is_office(request.user):
        return None
    return render(
        request,
        "accounts/users/denied.html",
        {
            "reason": _(
                "Chỉ văn phòng điều phối (vai trò phê duyệt hoặc quản trị) quản lý người dùng. "
                "Cần thêm tài khoản, đổi vai trò hay đặt lại mật khẩu, hãy liên hệ văn phòng "
                "điều phối của đơn vị."
            )
        },
        status=403,
    )


@dataclass(frozen=True)
class UserRow:
    user: AbstractBaseUser
    profile: Profile | None
    is_locked: bool
    may_manage: bool


@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """The users of the office's scope: unit, role, last login, state; filters and pages."""
    denied = _office_only(request)
    if denied:
        return denied
    users = users_in_scope(request.user)
    text = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    state = request.GET.get("state", "")
    if text:
        users = users.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(profile__unit__name__icontains=text)
        )
    if role in RoleChoices.values:
        users = users.filter(profile__role=role)
    if state in ("active", "inactive"):
        users = users.filter(is_active=state == "active")
    users = users.annotate(
        level_rank=Case(
            When(profile__unit__isnull=True, then=Value(0)),
            When(profile__unit__level="province", then=Value(1)),
            When(profile__unit__level="district", then=Value(2)),
            default=Value(3),
        )
    ).order_by("level_rank", "profile__unit__name", "username")
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    locked = lockout.locked_usernames([u.username for u in listed])
    rows = [
        UserRow(
            user=u,
            profile=getattr(u, "profile", None),
            is_locked=u.username in locked,
            may_manage=may_manage(request.user, u),
        )
        for u in listed
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/users/list.html",
        {
            "page": page,
            "rows": rows,
            "roles": RoleChoices.choices,
            "filters": {"q": text, "role": role, "state": state},
            "is_filtered": bool(text or role or state),
            "query_without_page": query.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    """Create a user of the office's scope; then the page hands out a set-password link."""
    denied = _office_only(request)
    if denied:
        return denied
    form = UserForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = create_user_service(
                actor=Actor.from_request(request),
                username=form.cleaned_data["username"],
                data=form.user_data(),
                reason=form.cleaned_data.get("reason", ""),
            )
        except UserAdminError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except WriteDenied as error:
            form.add_error(None, str(error))
        else:
            link = password_link(actor=Actor.from_request(request), user=user)
            return _show_link(request, user, link, created=True)
    return render(request, "accounts/users/form.html", {"form": form, "creating": True})


def _managed_user(request: HttpRequest, user_id: int) -> AbstractBaseUser:
    """A user of the office's scope (404 otherwise: other users' existence is not shown)."""
    user = users_in_scope(request.user).filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    """A user's details, last login, lockout and tokens; the edit form when managed."""
    denied = _office_only(request)
    if denied:
        return denied
    user = _managed_user(request, user_id)
    manageable = may_manage(request.user, user)
    form = None
    if manageable:
        form = UserForm(
            request.POST or None, viewer=request.user, editing=True, initial=_initial(user)
        )
        if request.method == "POST" and form.is_valid():
            try:
                update_user(
                    actor=Actor.from_request(request),
                    user=user,
                    data=form.user_data(),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except UserAdminError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            except WriteDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Đã lưu người dùng “%(user)s”.") % {"user": user.get_username()}
                )
                return redirect("web:user", user_id=user.pk)
    elif request.method == "POST":
        raise Http404
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")
    return render(
        request,
        "accounts/users/detail.html",
        {
            "target": user,
            "profile": Profile.objects.select_related("unit", "department")
            .filter(user=user)
            .first(),
            "form": form,
            "may_manage": manageable,
            "locked_until": lockout.locked_until(user.get_username()),
            "tokens": tokens,
            "now": timezone.now(),
            "is_self": user.pk == request.user.pk,
        },
    )


def _after_action(request: HttpRequest, user: AbstractBaseUser, call) -> HttpResponse:
    try:
        text = call()
    except (UserAdminError, WriteDenied) as error:
        messages.error(request, getattr(error, "message", str(error)))
    else:
        if text:
            messages.success(request, text)
    return redirect("web:user", user_id=user.pk)


@require_POST
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    """Deactivate (is_active=0) or reactivate a user, with an optional reason."""
    denied = _office_only(request)
    if denied:
        return denied
    user = _managed_user(request, user_id)
    active = request.POST.get("is_active") == "1"

    def act() -> str:
        set_active(
            actor=Actor.from_request(request),
            user=user,
            is_active=active,
            reason=request.POST.get("reason", "").strip(),
        )
        return (
            _("Đã mở lại tài khoản “%(user)s”.")
            if active
            else _("Đã khóa tài khoản “%(user)s”: không đăng nhập, không dùng API được nữa.")
        ) % {"user": user.get_username()}

    return _after_action(request, user, act)


@require_POST
def user_unlock(request: HttpRequest, user_id: int) -> HttpResponse:
    """Lift a login lockout after too many wrong passwords."""
    denied = _office_only(request)
    if denied:
        return denied
    user = _managed_user(request, user_id)

    def act() -> str:
        unlock_user(actor=Actor.from_request(request), user=user)
        return _("Đã mở khóa đăng nhập cho “%(user)s”.") % {"user": user.get_username()}

    return _after_action(request, user, act)


@require_POST
def user_password_link(request: HttpRequest, user_id: int) -> HttpResponse:
    """A one-time link with which the user sets a new password, shown once."""
    denied = _office_only(request)
    if denied:
        return denied
    user = _managed_user(request, user_id)
    try:
        link = password_link(actor=Actor.from_request(request), user=user)
    except (UserAdminError, WriteDenied) as error:
        messages.error(request, getattr(error, "message", str(error)))
        return redirect("web:user", user_id=user.pk)
    return _show_link(request, user, link, created=False)


def _show_link(request: HttpRequest, user, link, *, created: bool) -> HttpResponse:
    response = render(
        request,
        "accounts/users/password_link.html",
        {
            "target": user,
            "url": request.build_absolute_uri(link.path),
            "valid_until": link.valid_until,
            "created": created,
        },
    )
    # Shown once: not kept in the browser's cache or history.
    response["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- own account


@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's account: role and unit, password change, API tokens."""
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    return render(
        request,
        "accounts/users/account.html",
        {"tokens": tokens, "now": timezone.now(), "new_key": None},
    )


@require_POST
def account_token_new(request: HttpRequest) -> HttpResponse:
    """A new API token for the signed-in user; its key is on this response only."""
    days_text = request.POST.get("expires", "").strip()
    errors = []
    days = None
    if days_text:
        try:
            days = int(days_text)
        except ValueError:
            errors.append(_("Số ngày hiệu lực phải là số nguyên, ví dụ 90."))
    made = None
    if not errors:
        try:
            made = create_token(
                actor=Actor.from_request(request),
                user=request.user,
                name=request.POST.get("name", ""),
                expires_in_days=days,
            )
        except (UserAdminError, WriteDenied) as error:
            errors.append(getattr(error, "message", str(error)))
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    response = render(
        request,
        "accounts/users/account.html",
        {
            "tokens": tokens,
            "now": timezone.now(),
            "new_key": made.key if made else None,
            "new_token": made.token if made else None,
            "token_errors": errors,
            "token_form": request.POST,
        },
        status=200 if made else 422,
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own tokens, or (an office) a token of a managed user."""
    token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
    own = token is not None and token.user_id == request.user.pk
    if token is None or not (own or may_manage(request.user, token.user)):
        raise Http404
    revoke_token(actor=Actor.from_request(request), token=token)
    messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    if own:
        return redirect("web:account")
    return redirect(reverse("web:user", args=[token.user_id]))


# --------------------------------------------------------------------------- passwords


def _audit_password_set(request: HttpRequest, user: AbstractBaseUser, how: str) -> None:
    from ntm.audit.services import Change, client_ip, record_change

    profile = Profile.objects.select_related("unit").filter(user=user).first()
    record_change(
        Actor(user=user, ip_address=client_ip(request), channel="web"),
        Change(
            action="user.password_set",
            object_type="auth.user",
            object_id=str(user.pk),
            unit_id=profile.unit_id if profile else None,
            unit_label=profile.unit.name if profile and profile.unit_id else "",
            summary=f"{user.get_username()} đặt mật khẩu mới ({how})",
        ),
    )


class PasswordChange(auth_views.PasswordChangeView):
    """The signed-in user changes their password (audited, never the password itself)."""

    template_name = "accounts/users/password_change.html"
    success_url = reverse_lazy("web:password-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        _audit_password_set(self.request, form.user, "đổi mật khẩu")
        return response


class PasswordSet(auth_views.PasswordResetConfirmView):
    """A user sets their password from the one-time link an office gave them."""

    template_name = "accounts/users/password_reset_confirm.html"
    success_url = reverse_lazy("web:password-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        _audit_password_set(self.request, form.user, "liên kết một lần")
        return response


@require_GET
@login_not_required
def password_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/users/password_done.html")

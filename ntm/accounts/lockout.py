"""Login lockout (django-axes): the page a locked-out user sees, and who is locked out.

Failures count per username and address together (AXES_FAILURE_LIMIT, 5 by default), so
a colleague mistyping on the same office network does not lock everyone out, and a
guesser cannot lock a user out from elsewhere with a few tries. The address is the
client's as ``client_ip`` finds it behind the configured proxies, never one the client
wrote. A guesser with many real addresses is slowed by a ceiling per username over every
address (NTM_LOGIN_USERNAME_LIMIT failures within the same cool-off, 20 by default; 0
turns it off): past it the username is locked from everywhere until the cool-off ends or
an office unlocks it from the user's page.
"""

from __future__ import annotations

from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import F, Max, Sum, Value
from django.db.models.functions import Least
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ntm.audit.services import client_ip


def attempt_ip(request: HttpRequest) -> str | None:
    """The address failures are counted for: the same one the audit trail records."""
    return client_ip(request)


def _recent(usernames):
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=since)


def _over_ceiling(usernames: list[str]) -> dict[str, datetime]:
    """The usernames past the ceiling over every address, with their last failure."""
    ceiling = getattr(settings, "NTM_LOGIN_USERNAME_LIMIT", 0)
    if not ceiling or not usernames:
        return {}
    # Each address counts up to the per-address limit only: one address, even locked out
    # and still trying, never locks the username out everywhere.
    per_address = Least(F("failures_since_start"), Value(settings.AXES_FAILURE_LIMIT))
    rows = (
        _recent(usernames)
        .values("username")
        .annotate(failures=Sum(per_address), last=Max("attempt_time"))
    )
    return {r["username"]: r["last"] for r in rows if (r["failures"] or 0) >= ceiling}


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, also locking a username past the ceiling over every
    address (NTM_LOGIN_USERNAME_LIMIT)."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        username = get_client_username(request, credentials)
        return bool(username) and username in _over_ceiling([username])

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """Record the failure; the one reaching the ceiling answers with the lockout page."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        username = get_client_username(request, credentials)
        if username and username in _over_ceiling([username]):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def _locked_attempts(username: str):
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=username,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=since,
    )


def locked_until(username: str, ip_address: str | None = None) -> datetime | None:
    """When the lockout of this username (from this address, or from any) ends; None if none."""
    attempts = _locked_attempts(username)
    if ip_address is not None:
        attempts = attempts.filter(ip_address=ip_address)
    last = attempts.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    if last is None:
        last = _over_ceiling([username]).get(username)
    return last + settings.AXES_COOLOFF_TIME if last is not None else None


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these usernames are locked out now, from some address or from all (two
    queries)."""
    per_address = set(
        _recent(usernames)
        .filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        .values_list("username", flat=True)
    )
    return per_address | set(_over_ceiling(usernames))


def unlock(username: str) -> int:
    """Forget the failed attempts of a username (every address); the number forgotten."""
    return reset(username=username)


def lockout_message(until: datetime | None, *, everywhere: bool = False) -> str:
    """Why the login is refused and until when; `everywhere`: the ceiling over every
    address was reached, not the limit from this address."""
    limit = settings.AXES_FAILURE_LIMIT
    tried = ngettext(
        "Tài khoản này đã đăng nhập sai %(count)d lần liên tiếp từ máy này nên tạm bị khóa.",
        "Tài khoản này đã đăng nhập sai %(count)d lần liên tiếp từ máy này nên tạm bị khóa.",
        limit,
    ) % {"count": limit}
    if everywhere:
        tried = _(
            "Tài khoản này bị đăng nhập sai từ %(count)d lần trở lên trong %(minutes)d phút "
            "qua, từ nhiều máy khác nhau, nên tạm bị khóa ở mọi nơi."
        ) % {
            "count": settings.NTM_LOGIN_USERNAME_LIMIT,
            "minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
        }
    if until is None:
        return tried + " " + _("Hãy thử lại sau ít phút.")
    local = timezone.localtime(until)
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    return (
        tried
        + " "
        + ngettext(
            "Hãy thử lại sau %(minutes)d phút (lúc %(time)s), hoặc nhờ văn phòng điều phối mở khóa.",
            "Hãy thử lại sau %(minutes)d phút (lúc %(time)s), hoặc nhờ văn phòng điều phối mở khóa.",
            minutes,
        )
        % {"minutes": minutes, "time": formats.time_format(local, "H:i")}
    )


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """The login page again, saying the account is locked and when to retry (HTTP 429)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    until, everywhere = None, False
    if username:
        last = (
            _locked_attempts(username)
            .filter(ip_address=attempt_ip(request))
            .order_by("-attempt_time")
            .values_list("attempt_time", flat=True)
            .first()
        )
        if last is None:
            last = _over_ceiling([username]).get(username)
            everywhere = last is not None
        until = last + settings.AXES_COOLOFF_TIME if last is not None else None
    form = AuthenticationForm(request, initial={"username": username})
    message = lockout_message(until, everywhere=everywhere)
    return render(
        request,
        "web/login.html",
        {"form": form, "lockout": message, "next": request.POST.get("next", "/")},
        status=429,
    )

"""Login lockout (django-axes): the page a locked-out user sees, and who is locked out.

Failures count per username and address together, so a colleague mistyping on the same
office network does not lock everyone out, and a guesser cannot lock a user out from
elsewhere. An office can unlock a user of its scope from the user's page.
"""

from __future__ import annotations

from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ntm.audit.services import client_ip


def attempt_ip(request: HttpRequest) -> str | None:
    """The address failures are counted for: the same one the audit trail records."""
    return client_ip(request)


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
    return last + settings.AXES_COOLOFF_TIME if last is not None else None


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these usernames are locked out now, from any address (one query)."""
    return set(
        AccessAttempt.objects.filter(
            username__in=usernames,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        ).values_list("username", flat=True)
    )


def unlock(username: str) -> int:
    """Forget the failed attempts of a username (every address); the number forgotten."""
    return reset(username=username)


def lockout_message(until: datetime | None) -> str:
    limit = settings.AXES_FAILURE_LIMIT
    tried = ngettext(
        "Tài khoản này đã đăng nhập sai %(count)d lần liên tiếp từ máy này nên tạm bị khóa.",
        "Tài khoản này đã đăng nhập sai %(count)d lần liên tiếp từ máy này nên tạm bị khóa.",
        limit,
    ) % {"count": limit}
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
    until = locked_until(username, attempt_ip(request)) if username else None
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        "web/login.html",
        {"form": form, "lockout": lockout_message(until), "next": request.POST.get("next", "/")},
        status=429,
    )

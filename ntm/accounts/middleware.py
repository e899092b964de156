"""Every page needs a login, except the few that are public by nature; sessions expire;
oversized requests are refused before their body is read; what a signed-in user sees is
never kept by a browser or a shared cache."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

# The HTTP API authenticates on its own (tokens or the session, ntm.accounts.api_auth);
# static files, the language switch and the public recognition list need no account.
PUBLIC_PREFIXES = ("/api/", "/static/", "/i18n/", "/recognitions/", "/admin/")

#: Session keys: when the user logged in, and when the session was last used (epoch s).
LOGIN_AT = "ntm_login_at"
SEEN_AT = "ntm_seen_at"
#: The last-use time is written at most this often, not on every request.
SEEN_RESOLUTION = 60


class RequestSizeMiddleware:
    """Refuse a request whose declared body exceeds NTM_MAX_REQUEST_BYTES with a 413,
    before anything reads it: a too-large upload is not received first and refused after.

    The forms and the API still check each file's own limit and type by content; this is
    the outer bound (a reverse proxy in front should set the same, e.g. nginx's
    client_max_body_size).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.NTM_MAX_REQUEST_BYTES
        if declared > limit:
            message = _(
                "Yêu cầu quá lớn (%(size)s MB); mỗi lần gửi tối đa %(limit)s MB. Hãy gửi "
                "từng tệp nhỏ hơn."
            ) % {
                "size": f"{declared / 1024 / 1024:.1f}",
                "limit": f"{limit / 1024 / 1024:.0f}",
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PrivateCacheMiddleware:
    """``Cache-Control: no-store, private`` (and no-cache, max-age=0) on every response to
    an authenticated user: pages, htmx fragments, API answers (session or token), exports
    and evidence downloads. A shared office computer's browser, a proxy or the back button
    after logging out then never shows a unit's figures to the next person.

    Placed after the authentication middleware, so static files (whitenoise, further out)
    are untouched; the API sets ``request.user`` from a token inside the view, which is
    why the user is looked at on the way out. Public pages to anonymous visitors keep
    their own caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class NtmLoginRequiredMiddleware(LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(PUBLIC_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SessionExpiryMiddleware:
    """End a session idle for NTM_SESSION_IDLE_SECONDS, or older than SESSION_COOKIE_AGE.

    Django's own cookie age alone gives either an idle timeout (saving every request) or an
    absolute one, not both; an office computer left signed in must not stay usable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request) -> None:
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT)
        if login_at is None or seen_at is None:
            session[LOGIN_AT] = login_at or now
            session[SEEN_AT] = now
            return
        idle = now - seen_at > settings.NTM_SESSION_IDLE_SECONDS
        too_old = now - login_at > settings.SESSION_COOKIE_AGE
        if idle or too_old:
            logout(request)
            messages.info(
                request,
                _("Phiên làm việc đã hết hạn do không hoạt động; vui lòng đăng nhập lại.")
                if idle
                else _("Phiên làm việc đã quá thời gian cho phép; vui lòng đăng nhập lại."),
            )
            return
        if now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now


def mark_login(sender, request, user, **kwargs) -> None:
    """Signal receiver: a fresh login starts both clocks."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now

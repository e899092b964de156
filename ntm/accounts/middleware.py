"""Every page needs a login, except the few that are public by nature; sessions expire."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils.translation import gettext as _

# The HTTP API authenticates on its own (tokens or the session, ntm.accounts.api_auth);
# static files, the language switch and the public recognition list need no account.
PUBLIC_PREFIXES = ("/api/", "/static/", "/i18n/", "/recognitions/", "/admin/")

#: Session keys: when the user logged in, and when the session was last used (epoch s).
LOGIN_AT = "ntm_login_at"
SEEN_AT = "ntm_seen_at"
#: The last-use time is written at most this often, not on every request.
SEEN_RESOLUTION = 60


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

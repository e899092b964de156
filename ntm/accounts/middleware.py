"""Every page needs a login, except the few that are public by nature."""

from __future__ import annotations

from django.contrib.auth.middleware import LoginRequiredMiddleware

# The HTTP API authenticates on its own (tokens come with the permissions work); static
# files, the language switch and the public recognition list need no account.
PUBLIC_PREFIXES = ("/api/", "/static/", "/i18n/", "/recognitions/", "/admin/")


class NtmLoginRequiredMiddleware(LoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(PUBLIC_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

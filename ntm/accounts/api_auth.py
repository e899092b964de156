"""Authentication for the whole HTTP API: a bearer token, or the signed-in web session.

``api_auth`` is set once on the NinjaAPI (config/api.py), so every operation of every
router needs one of the two unless it says ``auth=public_auth`` (units, criteria sets,
the public recognitions). Either way ``request.user`` is the authenticated user, so the
user's role and scope apply to every endpoint exactly as on the web pages.

- ``Authorization: Bearer ntm_…``: a token made with ``ntm token create`` or on the
  user's account page. A wrong, expired or revoked token is a 401, never a fall-back to
  the session. Tokens need no CSRF token (a browser never sends them by itself).
- The session cookie of the web pages: writes (POST, PUT, PATCH, DELETE) need the CSRF
  token in the ``X-CSRFToken`` header, as htmx sends it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from ntm.accounts.services import user_for_key


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the token's user becomes ``request.user``."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise HttpError(401, "Authorization header must be 'Bearer <token>'.")
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_key(token)
        if user is None:
            raise HttpError(401, "Invalid, expired or revoked API token.")
        request.user = user
        request._ntm_token_auth = True  # type: ignore[attr-defined]
        return user


class SessionAuth(NinjaSessionAuth):
    """The web session, with Django's CSRF check on writes (ninja's ``csrf=True``)."""

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        # Nobody signed in: not a CSRF failure (403) but no authentication at all (401).
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


class PublicAuth:
    """Public reads: anyone may call them; a token or the session still says who calls
    (a user sees the drafts they may author). No OpenAPI security: nothing is required."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return token_auth(request)
        if request.user.is_authenticated:
            return request.user
        return AnonymousUser()


token_auth = TokenAuth()
session_auth = SessionAuth()
#: Every operation's default (set on the NinjaAPI): a token or the session, else 401.
api_auth = [token_auth, session_auth]
#: Public reads.
public_auth = PublicAuth()

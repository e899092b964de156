"""Request ids and log records that say which request, user and path they belong to.

``RequestIdMiddleware`` (first in MIDDLEWARE) gives every request an id: the proxy's
``X-Request-ID`` when it is a short safe token, otherwise a new random one. The id goes
back in the response's ``X-Request-ID`` header and into a context variable that
``RequestContextFilter`` reads, so every record logged while the request runs (including
Django's "Internal Server Error" with its traceback) carries ``request_id``, ``user`` and
``path``. ``RedactingFormatter`` removes what must never reach a log: passwords, tokens,
cookies and Authorization headers; the path is logged without its query string.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_current_request = contextvars.ContextVar("ntm_current_request", default=None)

# key=value / key: value / "key": "value" where the key names a secret.
_SECRET_PAIR = re.compile(
    r"(?i)(\b[\w-]*(?:password|passwd|pwd|token|secret|api[_-]?key|sessionid|csrftoken|"
    r"csrfmiddlewaretoken|cookie|authorization)[\w-]*[\"']?\s*[=:]\s*[\"']?)"
    r"(Bearer\s+|Basic\s+|Token\s+)?([^\s&\"',;}]+)"
)
_BEARER = re.compile(r"(?i)\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """The text with the values of secret-looking keys and bearer credentials removed."""
    text = _SECRET_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2) or ''}{REDACTED}", text)
    return _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)


def request_id_from(header: str | None) -> str:
    """The proxy's request id if it is a short safe token, else a new random id."""
    if header and _SAFE_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


def _user_label(request) -> str:
    # Only a user the request already loaded: logging never queries the database.
    user = request.__dict__.get("_cached_user")
    if user is None:
        auth = getattr(request, "auth", None)
        user = auth if hasattr(auth, "is_authenticated") else None
    if user is None or not getattr(user, "is_authenticated", False):
        return "-"
    return f"{user.get_username()}#{user.pk}"


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``user`` and ``path`` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current_request.get()
        if request is None:
            request = getattr(record, "request", None)
            if not hasattr(request, "path"):
                request = None
        record.request_id = getattr(request, "request_id", "-") if request else "-"
        record.user = _user_label(request) if request is not None else "-"
        record.path = request.path if request is not None else "-"
        return True


class RedactingFormatter(logging.Formatter):
    """The standard formatter, with secrets removed from the whole text (traceback too)."""

    def format(self, record: logging.LogRecord) -> str:
        for name in ("request_id", "user", "path"):
            if not hasattr(record, name):
                setattr(record, name, "-")
        return redact(super().format(record))

"""Serving an uploaded file (evidence, recognition documents): one set of headers for all.

An uploaded file is the user's content, never the site's: the browser must not guess its
type (``nosniff``), must not run anything in it nor let it reach the site
(``sandbox; default-src 'none'``, images allowed so that a picture opened alone shows),
and must not keep it in a shared cache (``private, no-store``). PDF and images, which a
browser shows without running code, open in the browser; anything else is downloaded.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

#: Shown in the browser (PDF, images) rather than downloaded.
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/webp"})

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'",
    "Cache-Control": "private, no-store",
}


def file_response(field_file: FieldFile, name: str, content_type: str) -> FileResponse:
    """The stored file as a response named `name`; FileNotFoundError if it is not stored
    (the caller answers 404 in its own words)."""
    if not field_file or not field_file.storage.exists(field_file.name):
        raise FileNotFoundError(field_file.name if field_file else "")
    response = FileResponse(
        field_file.open("rb"),
        content_type=content_type,
        as_attachment=content_type not in INLINE_TYPES,
        filename=name,
    )
    for header, value in HEADERS.items():
        response[header] = value
    return response

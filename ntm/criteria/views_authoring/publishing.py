"""Compare, preview, publish and delete a draft."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ntm.accounts.permissions import WriteDenied
from ntm.audit.services import Actor
from ntm.criteria import authoring
from ntm.criteria.authoring import AuthoringError, PublishRefused
from ntm.criteria.compare import SAME, compare_sets
from ntm.criteria.views_authoring.shared import _editor_url, _visible_version, _write_denied
from ntm.dashboards.draft_preview import preview_draft
from ntm.presentation.converters import parse_day

# --- Compare, preview, publish, delete -----------------------------------------------------


def diff(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    """The draft against the version it came from (or its base set)."""
    stored = _visible_version(request, set_id, version)
    compared = authoring.compared_version(stored)
    if compared is None:
        raise Http404
    a, b = compared.to_domain(), stored.to_domain()
    criteria, conditions, counts = compare_sets(a, b)
    show_same = request.GET.get("all") == "1"
    return render(
        request,
        "criteria/authoring/diff.html",
        {
            "stored": stored,
            "compared": compared,
            "a": a,
            "b": b,
            "criteria": criteria if show_same else [c for c in criteria if c.status != SAME],
            "conditions": [c for c in conditions if c.status != SAME],
            "counts": counts,
            "show_same": show_same,
            "differentiation_differs": a.differentiation != b.differentiation,
        },
    )


def _as_of(request: HttpRequest) -> tuple[dt.date | None, str]:
    text = request.GET.get("as_of", "").strip()
    if not text:
        return None, ""
    try:
        return parse_day(text), ""
    except ValueError:
        return None, _("Ngày “%(text)s” không hợp lệ; đang xem ngày mặc định.") % {"text": text}


def preview(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    """What would change for the province's communes if the draft were published."""
    stored = _visible_version(request, set_id, version)
    as_of, date_error = _as_of(request)
    return render(
        request,
        "criteria/authoring/preview.html",
        {
            "stored": stored,
            "preview": preview_draft(stored, as_of=as_of),
            "date_error": date_error,
        },
    )


@require_http_methods(["GET", "POST"])
def publish(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    """Confirm, then publish: the draft becomes a version that never changes."""
    stored = _visible_version(request, set_id, version)
    if not stored.is_draft:
        return redirect(reverse("web:criteria-set", args=[set_id]) + f"?version={version}")
    problems = authoring.publish_problems(stored)
    if request.method == "POST":
        try:
            published = authoring.publish_draft(stored, actor=Actor.from_request(request))
        except WriteDenied as error:
            return _write_denied(request, error)
        except PublishRefused as error:
            problems = error.problems
        except AuthoringError as error:
            messages.error(request, error.message)
            return redirect(_editor_url(stored))
        else:
            messages.success(
                request,
                _("Đã ban hành %(label)s theo văn bản %(number)s.")
                % {"label": published.label, "number": published.legal_number},
            )
            return redirect(
                reverse("web:criteria-set", args=[set_id]) + f"?version={published.version}"
            )
    compared = authoring.compared_version(stored)
    counts = compare_sets(compared.to_domain(), stored.to_domain())[2] if compared else None
    return render(
        request,
        "criteria/authoring/publish.html",
        {
            "stored": stored,
            "details": authoring.details_of(stored),
            "problems": problems,
            "compared": compared,
            "counts": counts,
            "preview": preview_draft(stored) if not problems else None,
        },
        status=409 if problems and request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, set_id: str, version: int) -> HttpResponse:
    """Discard a draft, after a confirmation."""
    stored = _visible_version(request, set_id, version)
    if not stored.is_draft:
        raise Http404
    if request.method == "POST":
        try:
            authoring.delete_draft(stored, actor=Actor.from_request(request))
        except WriteDenied as error:
            return _write_denied(request, error)
        messages.success(request, _("Đã xóa bản nháp %(label)s.") % {"label": stored.label})
        return redirect("web:criteria-drafts")
    return render(request, "criteria/authoring/delete.html", {"stored": stored})

"""The drafts list, new drafts (variant, version), import and export."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of
from ntm.audit.services import Actor
from ntm.criteria import authoring
from ntm.criteria import forms_authoring as forms
from ntm.criteria.authoring import AuthoringError, DraftExists, PublishRefused
from ntm.criteria.exchange import MAX_FILE_BYTES, export_filename, export_yaml, import_yaml
from ntm.criteria.models import CriteriaSet, SetStatusChoices
from ntm.criteria.selectors import latest_sets
from ntm.criteria.views_authoring.shared import _denied, _editor_url

# --- Drafts list, new drafts, import and export --------------------------------------------


def drafts(request: HttpRequest) -> HttpResponse:
    """The user's drafts, and where to start a new one: a variant, a version, a file."""
    if not authoring.is_author(request.user):
        return _denied(
            request,
            _("Chỉ văn phòng điều phối (vai trò phê duyệt hoặc quản trị) soạn bộ tiêu chí."),
        )
    provinces = authoring.authoring_provinces(request.user)
    codes = {p.code for p in provinces}
    published = latest_sets()
    national = [s for s in published if not s.province_code and not s.extends_id]
    own = [
        s for s in published if s.province_code in codes and authoring.may_author(request.user, s)
    ]
    pending = {d.set_id: d for d in authoring.drafts_for(request.user)}
    variants = authoring.variants_by_base(codes)
    return render(
        request,
        "criteria/authoring/drafts.html",
        {
            "drafts": list(pending.values()),
            "national": [(s, variants.get(s.set_id, [])) for s in national],
            "own": [(s, pending.get(s.set_id)) for s in own],
            "provinces_text": (
                _("mọi tỉnh")
                if scope_of(request.user).is_national
                else ", ".join(p.name for p in provinces)
            ),
            "import_form": forms.ImportForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def new_variant(request: HttpRequest, set_id: str) -> HttpResponse:
    """A province's variant of a national set: choose the province, id and name."""
    base = next((s for s in latest_sets() if s.set_id == set_id), None)
    if base is None or base.province_code or base.extends_id:
        raise Http404
    provinces = authoring.authoring_provinces(request.user)
    if not provinces:
        return _denied(request, _("Tài khoản này không soạn được bộ tiêu chí của tỉnh nào."))
    first = provinces[0]
    initial = {
        "province_code": first.code,
        "set_id": authoring.suggested_variant_id(base, first),
        "name_vi": authoring.suggested_variant_name(base, first),
    }
    form = forms.VariantForm(request.POST or None, initial=initial, provinces=provinces)
    if request.method == "POST" and form.is_valid():
        try:
            draft = authoring.create_variant(
                base=base,
                province_code=form.cleaned_data["province_code"],
                set_id=form.cleaned_data["set_id"],
                name_vi=form.cleaned_data["name_vi"],
                actor=Actor.from_request(request),
            )
        except WriteDenied as error:
            return _denied(request, str(error))
        except AuthoringError as error:
            forms.attach(form, error)
        else:
            messages.success(request, _("Đã tạo bản nháp %(label)s.") % {"label": draft.label})
            return redirect(_editor_url(draft))
    suggestions = {
        p.code: {
            "set_id": authoring.suggested_variant_id(base, p),
            "name_vi": authoring.suggested_variant_name(base, p),
        }
        for p in provinces
    }
    return render(
        request,
        "criteria/authoring/new_variant.html",
        {"base": base, "form": form, "suggestions": suggestions},
    )


@require_POST
def new_version(request: HttpRequest, set_id: str) -> HttpResponse:
    """A new draft version of a set, copied from its latest version."""
    source = CriteriaSet.objects.filter(set_id=set_id).order_by("-version").first()
    if source is None:
        raise Http404
    try:
        draft = authoring.create_version(source=source, actor=Actor.from_request(request))
    except DraftExists as error:
        messages.info(request, error.message)
        if not authoring.may_author(request.user, error.draft):
            raise Http404 from None
        return redirect(_editor_url(error.draft))
    except WriteDenied as error:
        return _denied(request, str(error))
    except AuthoringError as error:
        messages.error(request, error.message)
        return redirect("web:criteria-set", set_id=set_id)
    messages.success(request, _("Đã tạo bản nháp %(label)s.") % {"label": draft.label})
    return redirect(_editor_url(draft))


@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    """Upload a YAML set file: a new set, a new version, or new content for a draft."""
    if not authoring.is_author(request.user):
        return _denied(
            request,
            _("Chỉ văn phòng điều phối (vai trò phê duyệt hoặc quản trị) nhập bộ tiêu chí."),
        )
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    problems: list[AuthoringError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_yaml(
                upload.read(MAX_FILE_BYTES + 1),
                filename=upload.name,
                actor=Actor.from_request(request),
                publish=form.cleaned_data["publish"],
            )
        except PublishRefused as error:
            problems = error.problems
            form.add_error(None, error.message)
        except WriteDenied as error:
            form.add_error(None, str(error))
        except AuthoringError as error:
            form.add_error("file", str(error))
        else:
            stored = result.stored
            text = {
                "created": _("Đã nhập %(label)s thành bản nháp."),
                "updated": _("Đã thay nội dung bản nháp %(label)s bằng tệp."),
                "unchanged": _("Không có gì thay đổi: %(label)s đã có đúng nội dung này."),
                "published": _("Đã nhập và ban hành %(label)s."),
            }[result.outcome] % {"label": stored.label}
            messages.success(request, f"{text} {result.note}".strip())
            if stored.status == SetStatusChoices.DRAFT:
                return redirect(_editor_url(stored))
            return redirect(
                reverse("web:criteria-set", args=[stored.set_id]) + f"?version={stored.version}"
            )
    return render(request, "criteria/authoring/import.html", {"form": form, "problems": problems})


def export_file(request: HttpRequest, set_id: str) -> HttpResponse:
    """A set version as a YAML data file (a draft only for those who may author it)."""
    version_text = request.GET.get("version", "")
    versions = CriteriaSet.objects.filter(set_id=set_id)
    if version_text.isdigit():
        stored = versions.filter(version=int(version_text)).first()
    else:
        stored = versions.filter(status=SetStatusChoices.PUBLISHED).order_by("-version").first()
    if stored is None or (stored.is_draft and not authoring.may_author(request.user, stored)):
        raise Http404
    response = HttpResponse(export_yaml(stored), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(stored)}"'
    return response

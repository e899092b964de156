"""Recognition pages: the province's procedure settings."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ntm.accounts.permissions import WriteDenied
from ntm.accounts.scope import scope_of
from ntm.audit.services import Actor
from ntm.recognition import forms, services
from ntm.recognition.procedure import (
    procedure,
    setting_defs,
    steps,
)
from ntm.recognition.selectors import (
    PROVINCE,
    provinces_in_scope,
    setting_history,
    settings_in_force,
)
from ntm.recognition.views.helpers import (
    _forbidden,
    _int,
)

# --- Settings -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def procedure_settings(request: HttpRequest) -> HttpResponse:
    """The values a province fixes where the procedure leaves them open, with history."""
    scope = scope_of(request.user)
    provinces = provinces_in_scope(scope)
    chosen = _int(request.GET.get("province") or request.POST.get("province"))
    province = next((p for p in provinces if p.pk == chosen), None)
    if chosen and province is None:
        raise Http404
    if province is None and provinces and not scope.is_national:
        province = next((p for p in provinces if p.valid_to is None), provinces[0])
    may_edit = province is not None and services.may_act(request.user, province, PROVINCE)
    errors: list[str] = []
    bound = None
    if request.method == "POST":
        if province is None:
            raise Http404
        key = request.POST.get("key", "")
        form = forms.SettingForm(request.POST, auto_id=f"id_{key.replace('.', '-')}_%s")
        bound = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_procedure_setting(
                    province=province,
                    key=data["key"],
                    value=data["value"],
                    decision_number=data["decision_number"],
                    decision_date=data["decision_date"],
                    issuer=data["issuer"],
                    note=data["note"],
                    actor=Actor.from_request(request),
                )
            except WriteDenied as denied:
                return _forbidden(request, str(denied), province)
            except services.CaseRefused as refused:
                errors = refused.problems
            else:
                messages.success(request, _("Đã ghi thông số."))
                return redirect(reverse("recognition:settings") + f"?province={province.pk}")
        else:
            errors = forms.form_errors(form)
    values = settings_in_force([province.pk], timezone.localdate())[province.pk] if province else {}
    rows = []
    for key, definition in setting_defs().items():
        step = steps().get(key.split(".", 1)[1]) if key.startswith("deadline_days.") else None
        rows.append(
            {
                "definition": definition,
                "value": values.get(key),
                "step": step,
                "form": bound
                if bound is not None and bound.data.get("key") == key
                else forms.SettingForm(
                    initial={"key": key, "decision_date": timezone.localdate()},
                    auto_id=f"id_{key.replace('.', '-')}_%s",
                ),
            }
        )
    return render(
        request,
        "recognition/settings.html",
        {
            "province": province,
            "provinces": provinces,
            "rows": rows,
            "history": setting_history(province) if province else [],
            "labels": {k: d.label for k, d in setting_defs().items()},
            "may_edit": may_edit,
            "errors": errors,
            "error_key": bound.data.get("key") if bound is not None and errors else "",
            "survey_practice": procedure()["satisfaction_survey_practice"],
            "c2": procedure()["conditions"]["items"][1],
        },
    )

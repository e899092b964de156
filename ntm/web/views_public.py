"""Public pages: no login needed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ntm.assessments.models import Recognition


@login_not_required
def recognitions(request: HttpRequest) -> HttpResponse:
    rows = Recognition.objects.select_related("unit", "criteria_set").order_by("-decision_date")
    return render(request, "web/recognitions.html", {"recognitions": rows})

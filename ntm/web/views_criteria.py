"""Criteria set pages: list, detail with thresholds and confidence, comparison."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ntm.criteria.selectors import UnknownSet, get_set, latest_sets


def criteria_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/criteria_list.html", {"sets": latest_sets()})


def criteria_detail(request: HttpRequest, set_id: str) -> HttpResponse:
    try:
        stored = get_set(set_id)
    except UnknownSet as error:
        raise Http404(str(error)) from None
    return render(
        request, "web/criteria_detail.html", {"stored": stored, "definition": stored.to_domain()}
    )


def criteria_compare(request: HttpRequest) -> HttpResponse:
    raise Http404

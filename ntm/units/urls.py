"""The unit pages that are about units only (included from ntm/web/urls.py)."""

from django.urls import path

from ntm.units import views_boundaries

urlpatterns = [
    path(
        "units/<id:unit_id>/boundaries/",
        views_boundaries.boundaries_view,
        name="unit-boundaries",
    ),
]

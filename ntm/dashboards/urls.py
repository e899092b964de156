"""The dashboards' pages: a unit, its children, the dashboard and map, and their XLSX
exports (same paths and names as before they left ntm/web; included from ntm/web/urls.py)."""

from django.urls import path

from ntm.dashboards import views_dashboard, views_exports, views_units

urlpatterns = [
    # A unit and its children overview (views_units.py)
    path("units/<id:unit_id>/", views_units.unit_detail, name="unit"),
    path("units/<id:unit_id>/children/", views_units.children_overview, name="unit-children"),
    # Dashboards and maps (views_dashboard.py)
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("map/", views_dashboard.map_view, name="map"),
    path("units/<id:unit_id>/dashboard/", views_dashboard.dashboard, name="unit-dashboard"),
    path("units/<id:unit_id>/map/", views_dashboard.map_view, name="unit-map"),
    # Tables to XLSX (views_exports.py)
    path("units/<id:unit_id>/xlsx/", views_exports.unit_criteria_xlsx, name="unit-xlsx"),
    path(
        "units/<id:unit_id>/children/xlsx/",
        views_exports.children_xlsx,
        name="unit-children-xlsx",
    ),
]

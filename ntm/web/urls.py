from django.contrib.auth import views as auth_views
from django.urls import path

from ntm.web import views_criteria, views_dashboard, views_entry, views_public, views_units

app_name = "web"
urlpatterns = [
    # Units, search and overviews (views_units.py)
    path("", views_units.home, name="home"),
    path("search/", views_units.search, name="search"),
    path("units/<int:unit_id>/", views_units.unit_detail, name="unit"),
    path("units/<int:unit_id>/children/", views_units.children_overview, name="unit-children"),
    # Data entry: the assessment form, its preview and history, evidence, the bulk grid
    # (views_entry.py)
    path("units/<int:unit_id>/entry/", views_entry.entry_form, name="unit-entry"),
    path(
        "units/<int:unit_id>/entry/preview/",
        views_entry.entry_preview,
        name="unit-entry-preview",
    ),
    path(
        "units/<int:unit_id>/entry/history/",
        views_entry.entry_history,
        name="unit-entry-history",
    ),
    path("units/<int:unit_id>/grid/", views_entry.grid, name="unit-grid"),
    path("evidence/<int:evidence_id>/", views_entry.evidence_file, name="evidence"),
    path(
        "evidence/<int:evidence_id>/remove/",
        views_entry.evidence_remove,
        name="evidence-remove",
    ),
    # Dashboards, maps and boundary uploads (views_dashboard.py)
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("map/", views_dashboard.map_view, name="map"),
    path("units/<int:unit_id>/dashboard/", views_dashboard.dashboard, name="unit-dashboard"),
    path("units/<int:unit_id>/map/", views_dashboard.map_view, name="unit-map"),
    path(
        "units/<int:unit_id>/boundaries/", views_dashboard.boundaries_view, name="unit-boundaries"
    ),
    # Criteria sets (views_criteria.py)
    path("criteria/", views_criteria.criteria_list, name="criteria"),
    path("criteria/compare/", views_criteria.criteria_compare, name="criteria-compare"),
    path("criteria/<slug:set_id>/", views_criteria.criteria_detail, name="criteria-set"),
    # Public recognition list, no login (views_public.py)
    path("recognitions/", views_public.recognitions, name="recognitions"),
    # Accounts
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

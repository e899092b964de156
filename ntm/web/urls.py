from django.contrib.auth import views as auth_views
from django.urls import include, path

from ntm.web import (
    views_dashboard,
    views_exports,
    views_public,
    views_units,
)

app_name = "web"

urlpatterns = [
    # Units, search and overviews (views_units.py)
    path("", views_units.home, name="home"),
    path("search/", views_units.search, name="search"),
    path("units/<id:unit_id>/", views_units.unit_detail, name="unit"),
    path("units/<id:unit_id>/children/", views_units.children_overview, name="unit-children"),
    # Data entry and certifications (ntm/values/urls.py)
    path("", include("ntm.values.urls")),
    # Dashboards, maps and boundary uploads (views_dashboard.py)
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("map/", views_dashboard.map_view, name="map"),
    path("units/<id:unit_id>/dashboard/", views_dashboard.dashboard, name="unit-dashboard"),
    path("units/<id:unit_id>/map/", views_dashboard.map_view, name="unit-map"),
    # A province's boundary uploads (ntm/units/urls.py)
    path("", include("ntm.units.urls")),
    # Criteria sets and their authoring (ntm/criteria/urls.py)
    path("", include("ntm.criteria.urls")),
    # Public recognition list, no login (views_public.py)
    path("recognitions/", views_public.recognitions, name="recognitions"),
    # Excel: a unit's templates and imports (ntm/workbooks/urls.py), tables to XLSX (views_exports.py)
    path("units/<id:unit_id>/excel/", include("ntm.workbooks.urls")),
    path("units/<id:unit_id>/xlsx/", views_exports.unit_criteria_xlsx, name="unit-xlsx"),
    path(
        "units/<id:unit_id>/children/xlsx/",
        views_exports.children_xlsx,
        name="unit-children-xlsx",
    ),
    path("criteria/<slug:set_id>/xlsx/", views_exports.criteria_set_xlsx, name="criteria-set-xlsx"),
    path("recognitions/xlsx/", views_exports.recognitions_xlsx, name="recognitions-xlsx"),
    # Approval and locking, the queue, departments responsible for criteria
    # (ntm/approvals/urls.py)
    path("", include("ntm.approvals.urls")),
    # Users and roles (offices), one's own account and API tokens (ntm/accounts/urls.py)
    path("", include("ntm.accounts.urls")),
    # The audit trail (ntm/audit/urls.py)
    path("", include("ntm.audit.urls")),
    # Accounts
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

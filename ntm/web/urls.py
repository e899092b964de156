from django.contrib.auth import views as auth_views
from django.urls import path

from ntm.web import views_criteria, views_exports, views_public, views_units, views_workbook

app_name = "web"
urlpatterns = [
    # Units, search and overviews (views_units.py)
    path("", views_units.home, name="home"),
    path("search/", views_units.search, name="search"),
    path("units/<int:unit_id>/", views_units.unit_detail, name="unit"),
    path("units/<int:unit_id>/children/", views_units.children_overview, name="unit-children"),
    # Criteria sets (views_criteria.py)
    path("criteria/", views_criteria.criteria_list, name="criteria"),
    path("criteria/compare/", views_criteria.criteria_compare, name="criteria-compare"),
    path("criteria/<slug:set_id>/", views_criteria.criteria_detail, name="criteria-set"),
    # Public recognition list, no login (views_public.py)
    path("recognitions/", views_public.recognitions, name="recognitions"),
    # Excel: a unit's templates and imports (views_workbook.py), tables to XLSX (views_exports.py)
    path("units/<int:unit_id>/excel/", views_workbook.workbook_page, name="unit-workbook"),
    path(
        "units/<int:unit_id>/excel/template/",
        views_workbook.template_download,
        name="workbook-template",
    ),
    path("units/<int:unit_id>/excel/upload/", views_workbook.upload, name="workbook-upload-file"),
    path(
        "units/<int:unit_id>/excel/<str:token>/",
        views_workbook.upload_page,
        name="workbook-upload",
    ),
    path(
        "units/<int:unit_id>/excel/<str:token>/status/",
        views_workbook.upload_status,
        name="workbook-upload-status",
    ),
    path(
        "units/<int:unit_id>/excel/<str:token>/confirm/",
        views_workbook.upload_confirm,
        name="workbook-confirm",
    ),
    path(
        "units/<int:unit_id>/excel/<str:token>/cancel/",
        views_workbook.upload_cancel,
        name="workbook-cancel",
    ),
    path("units/<int:unit_id>/xlsx/", views_exports.unit_criteria_xlsx, name="unit-xlsx"),
    path(
        "units/<int:unit_id>/children/xlsx/",
        views_exports.children_xlsx,
        name="unit-children-xlsx",
    ),
    path("criteria/<slug:set_id>/xlsx/", views_exports.criteria_set_xlsx, name="criteria-set-xlsx"),
    path("recognitions/xlsx/", views_exports.recognitions_xlsx, name="recognitions-xlsx"),
    # Accounts
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

from django.contrib.auth import views as auth_views
from django.urls import include, path

from ntm.web import (
    views_approval,
    views_audit,
    views_authoring,
    views_criteria,
    views_dashboard,
    views_exports,
    views_public,
    views_units,
    views_users,
    views_workbook,
)

app_name = "web"

# One draft version: /criteria/<set_id>/<version>/...
draft_urls = [
    path("edit/", views_authoring.editor, name="draft-edit"),
    path("edit/details/", views_authoring.edit_details, name="draft-details"),
    path("edit/criteria/", views_authoring.add_criterion, name="draft-add-criterion"),
    path("edit/criteria/<str:number>/", views_authoring.edit_criterion, name="draft-criterion"),
    path(
        "edit/criteria/<str:number>/remove/",
        views_authoring.remove_criterion,
        name="draft-remove-criterion",
    ),
    path(
        "edit/criteria/<str:number>/indicators/",
        views_authoring.indicator_form,
        name="draft-add-indicator",
    ),
    path("edit/indicators/<str:code>/", views_authoring.edit_indicator, name="draft-indicator"),
    path(
        "edit/indicators/<str:code>/remove/",
        views_authoring.remove_indicator,
        name="draft-remove-indicator",
    ),
    path(
        "edit/indicators/<str:code>/thresholds/",
        views_authoring.edit_thresholds,
        name="draft-thresholds",
    ),
    path("compare/", views_authoring.diff, name="draft-diff"),
    path("preview/", views_authoring.preview, name="draft-preview"),
    path("publish/", views_authoring.publish, name="draft-publish"),
    path("delete/", views_authoring.delete, name="draft-delete"),
]
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
    path("units/<id:unit_id>/boundaries/", views_dashboard.boundaries_view, name="unit-boundaries"),
    # Criteria sets (views_criteria.py)
    path("criteria/", views_criteria.criteria_list, name="criteria"),
    path("criteria/compare/", views_criteria.criteria_compare, name="criteria-compare"),
    # Criteria-set authoring (views_authoring.py); before criteria/<set_id>/, which would
    # take "drafts" and "import" for set ids.
    path("criteria/drafts/", views_authoring.drafts, name="criteria-drafts"),
    path("criteria/import/", views_authoring.import_file, name="criteria-import"),
    path("criteria/<slug:set_id>/export/", views_authoring.export_file, name="criteria-export"),
    path(
        "criteria/<slug:set_id>/variant/", views_authoring.new_variant, name="criteria-new-variant"
    ),
    path(
        "criteria/<slug:set_id>/new-version/",
        views_authoring.new_version,
        name="criteria-new-version",
    ),
    path("criteria/<slug:set_id>/<id:version>/", include(draft_urls)),
    path("criteria/<slug:set_id>/", views_criteria.criteria_detail, name="criteria-set"),
    # Public recognition list, no login (views_public.py)
    path("recognitions/", views_public.recognitions, name="recognitions"),
    # Excel: a unit's templates and imports (views_workbook.py), tables to XLSX (views_exports.py)
    path("units/<id:unit_id>/excel/", views_workbook.workbook_page, name="unit-workbook"),
    path(
        "units/<id:unit_id>/excel/template/",
        views_workbook.template_download,
        name="workbook-template",
    ),
    path("units/<id:unit_id>/excel/upload/", views_workbook.upload, name="workbook-upload-file"),
    path(
        "units/<id:unit_id>/excel/<str:token>/",
        views_workbook.upload_page,
        name="workbook-upload",
    ),
    path(
        "units/<id:unit_id>/excel/<str:token>/status/",
        views_workbook.upload_status,
        name="workbook-upload-status",
    ),
    path(
        "units/<id:unit_id>/excel/<str:token>/confirm/",
        views_workbook.upload_confirm,
        name="workbook-confirm",
    ),
    path(
        "units/<id:unit_id>/excel/<str:token>/cancel/",
        views_workbook.upload_cancel,
        name="workbook-cancel",
    ),
    path("units/<id:unit_id>/xlsx/", views_exports.unit_criteria_xlsx, name="unit-xlsx"),
    path(
        "units/<id:unit_id>/children/xlsx/",
        views_exports.children_xlsx,
        name="unit-children-xlsx",
    ),
    path("criteria/<slug:set_id>/xlsx/", views_exports.criteria_set_xlsx, name="criteria-set-xlsx"),
    path("recognitions/xlsx/", views_exports.recognitions_xlsx, name="recognitions-xlsx"),
    # Approval and locking, the queue, departments responsible for criteria (views_approval.py)
    path("queue/", views_approval.queue_page, name="queue"),
    path("queue/count/", views_approval.queue_count, name="queue-count"),
    path("units/<id:unit_id>/approval/", views_approval.approval_page, name="unit-approval"),
    path(
        "units/<id:unit_id>/approval/<slug:step>/",
        views_approval.approval_step,
        name="unit-approval-step",
    ),
    path(
        "units/<id:unit_id>/responsibilities/",
        views_approval.responsibilities_page,
        name="unit-responsibilities",
    ),
    # Users and roles (offices), one's own account and API tokens, the audit trail
    # (views_users.py, views_audit.py)
    path("users/", views_users.user_list, name="users"),
    path("users/new/", views_users.user_new, name="user-new"),
    path("users/<id:user_id>/", views_users.user_detail, name="user"),
    path("users/<id:user_id>/active/", views_users.user_active, name="user-active"),
    path("users/<id:user_id>/unlock/", views_users.user_unlock, name="user-unlock"),
    path(
        "users/<id:user_id>/password-link/",
        views_users.user_password_link,
        name="user-password-link",
    ),
    path("account/", views_users.account, name="account"),
    path("account/tokens/", views_users.account_token_new, name="account-token-new"),
    path("tokens/<id:token_id>/revoke/", views_users.token_revoke, name="token-revoke"),
    path("accounts/password/", views_users.PasswordChange.as_view(), name="password-change"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        views_users.PasswordSet.as_view(),
        name="password-reset-confirm",
    ),
    path("accounts/password/done/", views_users.password_done, name="password-done"),
    path("audit/", views_audit.audit_list, name="audit"),
    path("audit/export.<str:file_format>", views_audit.audit_export, name="audit-export"),
    path("units/<id:unit_id>/audit/", views_audit.audit_list, name="unit-audit"),
    # Accounts
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]

"""A unit's Excel templates and imports, under /units/<id>/excel/ (included by ntm/web/urls.py,
so the names keep the "web:" namespace)."""

from django.urls import path

from ntm.workbooks import views

urlpatterns = [
    path("", views.workbook_page, name="unit-workbook"),
    path("template/", views.template_download, name="workbook-template"),
    path("upload/", views.upload, name="workbook-upload-file"),
    path("<str:token>/", views.upload_page, name="workbook-upload"),
    path("<str:token>/status/", views.upload_status, name="workbook-upload-status"),
    path("<str:token>/confirm/", views.upload_confirm, name="workbook-confirm"),
    path("<str:token>/cancel/", views.upload_cancel, name="workbook-cancel"),
]

"""The audit trail pages (included from ntm/web/urls.py)."""

from django.urls import path

from ntm.audit import views_audit

urlpatterns = [
    path("audit/", views_audit.audit_list, name="audit"),
    path("audit/export.<str:file_format>", views_audit.audit_export, name="audit-export"),
    path("units/<id:unit_id>/audit/", views_audit.audit_list, name="unit-audit"),
]

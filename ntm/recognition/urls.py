"""Recognition pages, under /recognition/."""

from django.urls import path

from ntm.recognition import views

app_name = "recognition"

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("register/", views.register, name="register"),
    path("cases/<id:case_id>/", views.case_detail, name="case"),
    path("cases/<id:case_id>/<slug:action>/", views.case_action, name="case-action"),
    path("documents/<id:document_id>/", views.document_file, name="document"),
    path("documents/<id:document_id>/remove/", views.document_remove, name="document-remove"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("monitoring/revocation/", views.open_revocation, name="open-revocation"),
    path("reacknowledgement/", views.reacknowledgements, name="reacknowledgements"),
    path("reacknowledgement/<id:unit_id>/", views.reacknowledge, name="reacknowledge"),
    path("settings/", views.procedure_settings, name="settings"),
]

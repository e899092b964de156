"""Values pages: the entry form, its preview and history, evidence, the bulk grid, and the
criteria certified by a document. Included by ``ntm/web/urls.py`` in its ``web`` namespace,
so the names stay ``web:unit-entry`` and so on."""

from django.urls import path

from ntm.values import views_certification, views_entry

urlpatterns = [
    # Data entry: the assessment form, its preview and history, evidence, the bulk grid
    # (views_entry.py)
    path("units/<id:unit_id>/entry/", views_entry.entry_form, name="unit-entry"),
    path(
        "units/<id:unit_id>/entry/preview/",
        views_entry.entry_preview,
        name="unit-entry-preview",
    ),
    path(
        "units/<id:unit_id>/entry/history/",
        views_entry.entry_history,
        name="unit-entry-history",
    ),
    path("units/<id:unit_id>/grid/", views_entry.grid, name="unit-grid"),
    path("evidence/<id:evidence_id>/", views_entry.evidence_file, name="evidence"),
    path(
        "evidence/<id:evidence_id>/remove/",
        views_entry.evidence_remove,
        name="evidence-remove",
    ),
    # Whole criteria certified by a document (views_certification.py)
    path(
        "units/<id:unit_id>/certifications/",
        views_certification.certifications_page,
        name="unit-certifications",
    ),
]

"""The criteria pages: the sets, their comparison and authoring (same paths and names as before
they left ntm/web; included from ntm/web/urls.py)."""

from django.urls import include, path

from ntm.criteria import views_authoring, views_criteria, views_exports

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
    # A set version to XLSX (views_exports.py)
    path("criteria/<slug:set_id>/xlsx/", views_exports.criteria_set_xlsx, name="criteria-set-xlsx"),
    path("criteria/<slug:set_id>/", views_criteria.criteria_detail, name="criteria-set"),
]

"""Models that moved out of ``assessments`` into the app owning their domain (issue 10).

Their tables kept their names, so the database did not change; only the app label did.
Two things still carry the old label and are kept linked through this map: the rows of
``django_content_type`` (renamed by the new apps' migrations, see ``rename_content_types``)
and audit entries, which are append-only and keep the object type they were written with
(``ntm.audit.keys`` reads both keys).
"""

from __future__ import annotations

from collections.abc import Callable

OLD_APP = "assessments"

#: Model name (lower case) -> the app it lives in now.
MOVED_FROM_ASSESSMENTS: dict[str, str] = {
    "indicatorvalue": "values",
    "evidencefile": "values",
    "criterioncertification": "values",
    "submission": "approvals",
    "criterionresponsibility": "approvals",
    "criterionverification": "approvals",
    "submissionevent": "approvals",
    "recognition": "recognition",
    "revocation": "recognition",
    "target": "programme",
    "registration": "programme",
    "sponsorship": "programme",
    "reportedfigure": "reports",
}


def _move(apps, schema_editor, new_app: str, *, backwards: bool) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    rows = content_type.objects.using(schema_editor.connection.alias)
    source, target = (new_app, OLD_APP) if backwards else (OLD_APP, new_app)
    for model, app in MOVED_FROM_ASSESSMENTS.items():
        if app != new_app:
            continue
        # A row under the new label already (made by a post-migrate run): keep both as they
        # are rather than delete one with the permissions and admin log entries it holds.
        if rows.filter(app_label=target, model=model).exists():
            continue
        rows.filter(app_label=source, model=model).update(app_label=target)


def rename_content_types(new_app: str) -> tuple[Callable, Callable]:
    """The forward and backward functions of a RunPython moving ``new_app``'s content types."""

    def forward(apps, schema_editor):
        _move(apps, schema_editor, new_app, backwards=False)

    def backward(apps, schema_editor):
        _move(apps, schema_editor, new_app, backwards=True)

    return forward, backward

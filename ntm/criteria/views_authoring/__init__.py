"""Criteria-set authoring pages: drafts, the draft editor (htmx inline edits), comparison
with the version a draft came from, what publishing would change, publication, YAML.

Every view checks on the server who may do what (``ntm.criteria.authoring``): a draft is
visible only to those who may edit it (404 for everyone else), every write goes through a
service that checks role and province again and writes the audit trail.
"""

from __future__ import annotations

from ntm.criteria.views_authoring.contents import (
    add_criterion,
    edit_criterion,
    edit_indicator,
    indicator_form,
    remove_criterion,
    remove_indicator,
)
from ntm.criteria.views_authoring.drafts import (
    drafts,
    export_file,
    import_file,
    new_variant,
    new_version,
)
from ntm.criteria.views_authoring.editor import (
    edit_details,
    edit_thresholds,
    editor,
)
from ntm.criteria.views_authoring.publishing import (
    delete,
    diff,
    preview,
    publish,
)
from ntm.criteria.views_authoring.shared import (
    EditorCriterion,
    EditorIndicator,
    EditorSection,
    anchor_of,
    editor_sections,
)

__all__ = [
    "EditorCriterion",
    "EditorIndicator",
    "EditorSection",
    "add_criterion",
    "anchor_of",
    "delete",
    "diff",
    "drafts",
    "edit_criterion",
    "edit_details",
    "edit_indicator",
    "edit_thresholds",
    "editor",
    "editor_sections",
    "export_file",
    "import_file",
    "indicator_form",
    "new_variant",
    "new_version",
    "preview",
    "publish",
    "remove_criterion",
    "remove_indicator",
]

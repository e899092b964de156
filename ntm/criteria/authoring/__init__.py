"""Criteria-set authoring by coordination offices: drafts, edits, publication.

A draft is a ``CriteriaSet`` row with status ``draft`` whose ``source_document`` is a
set document in the data-file format (docs/criteria-format.md). Every edit changes a copy
of that document, runs it through the same loader as the data files (``parse_document``,
then ``store_definition``), and is audited; a document the loader refuses is never
stored. Publishing turns the draft into a published version, which is never edited
again: a change means a new draft version.

Who may author: a user with an office role (``OFFICE_ROLES``) whose scope holds the
province the set belongs to; a national set (no province) needs a national user.
"""

from __future__ import annotations

from ntm.criteria.authoring.contents import (
    IndicatorInput,
    add_criterion,
    add_indicator,
    remove_criterion,
    remove_indicator,
    update_criterion,
    update_indicator,
)
from ntm.criteria.authoring.drafts import (
    SetDetails,
    _unit_fields,
    capital,
    create_variant,
    create_version,
    delete_draft,
    details_of,
    province_slug,
    suggested_variant_id,
    suggested_variant_name,
    update_details,
    validate_document,
)
from ntm.criteria.authoring.publication import (
    needs_confirmation_count,
    publish_draft,
    publish_problems,
    versions_of,
)
from ntm.criteria.authoring.rights import (
    ADDABLE_KINDS,
    RESERVED_IDS,
    SYMBOLS,
    AuthoringError,
    DraftExists,
    NotADraft,
    PublishRefused,
    _check_author,
    authoring_provinces,
    compared_version,
    document_of,
    draft_of,
    drafts_for,
    is_author,
    may_author,
    overridden_codes,
    own_codes,
    own_numbers,
    province_unit,
    require_author,
    variants_by_base,
)
from ntm.criteria.authoring.thresholds import (
    Decision,
    ThresholdCell,
    scope_words,
    set_thresholds,
)

__all__ = [
    "ADDABLE_KINDS",
    "AuthoringError",
    "Decision",
    "DraftExists",
    "IndicatorInput",
    "NotADraft",
    "PublishRefused",
    "RESERVED_IDS",
    "SYMBOLS",
    "SetDetails",
    "ThresholdCell",
    "_check_author",
    "_unit_fields",
    "add_criterion",
    "add_indicator",
    "authoring_provinces",
    "capital",
    "compared_version",
    "create_variant",
    "create_version",
    "delete_draft",
    "details_of",
    "document_of",
    "draft_of",
    "drafts_for",
    "is_author",
    "may_author",
    "needs_confirmation_count",
    "overridden_codes",
    "own_codes",
    "own_numbers",
    "province_slug",
    "province_unit",
    "publish_draft",
    "publish_problems",
    "remove_criterion",
    "remove_indicator",
    "require_author",
    "scope_words",
    "set_thresholds",
    "suggested_variant_id",
    "suggested_variant_name",
    "update_criterion",
    "update_details",
    "update_indicator",
    "validate_document",
    "variants_by_base",
    "versions_of",
]

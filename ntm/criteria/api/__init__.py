"""API: criteria sets and evaluations; authoring of drafts by coordination offices.

Reads of published sets are public; evaluations need a token or the session and a unit
in the user's scope. Authoring needs a signed-in user (session) with an
office role whose scope holds the set's province: 401 when not signed in, 403 when the
role or province is not theirs, 404 for a draft they may not see, 409 for an edit of a
published version, 422 with the place and reason when the content is refused.
"""

# isort: off
# The order registers the operations on the router as the former single module did.
from ntm.criteria.api.sets import list_sets, set_detail, evaluation
from ntm.criteria.api.drafts import (
    list_drafts,
    import_set,
    export_set,
    create_variant,
    create_version,
    update_details,
    delete_draft,
)
from ntm.criteria.api.contents import (
    set_thresholds,
    add_criterion,
    rename_criterion,
    remove_criterion,
    add_indicator,
    update_indicator,
    remove_indicator,
)
from ntm.criteria.api.publishing import preview, publish

# isort: on
from ntm.criteria.api.common import router
from ntm.criteria.api.schemas import (
    CellIn,
    CriterionIn,
    CriterionResult,
    CriterionShiftOut,
    DecisionIn,
    Detail,
    DetailsIn,
    EvaluationOut,
    ImportOut,
    IndicatorIn,
    IndicatorResult,
    PreviewOut,
    Problem,
    Refusal,
    RenameIn,
    Revocation,
    SetSummary,
    ThresholdsIn,
    UnitChangeOut,
    UnitRef,
    VariantIn,
    VersionOut,
)

__all__ = [
    "CellIn",
    "CriterionIn",
    "CriterionResult",
    "CriterionShiftOut",
    "DecisionIn",
    "Detail",
    "DetailsIn",
    "EvaluationOut",
    "ImportOut",
    "IndicatorIn",
    "IndicatorResult",
    "PreviewOut",
    "Problem",
    "Refusal",
    "RenameIn",
    "Revocation",
    "SetSummary",
    "ThresholdsIn",
    "UnitChangeOut",
    "UnitRef",
    "VariantIn",
    "VersionOut",
    "add_criterion",
    "add_indicator",
    "create_variant",
    "create_version",
    "delete_draft",
    "evaluation",
    "export_set",
    "import_set",
    "list_drafts",
    "list_sets",
    "preview",
    "publish",
    "remove_criterion",
    "remove_indicator",
    "rename_criterion",
    "router",
    "set_detail",
    "set_thresholds",
    "update_details",
    "update_indicator",
]

"""What the unit pages show: status under each applicable set, the criteria table, the
timeline, recognitions and targets, reported figures beside computed ones, children rows.

Everything is read in a few queries per page; many units (the children overview) are
evaluated in one pass with ``evaluate_with_ladder``, never one evaluation per child.

Moved from ``ntm/web/unit_status.py`` and cut by topic (issue 10): ``words`` (levels, tiers,
the unit's dates), ``status`` (sets and the criteria table), ``records`` (recognitions and
targets), ``figures`` (reported beside computed), ``timeline``, ``page`` (the whole unit
page) and ``children`` (the children overview); the queries are in
``ntm.dashboards.selectors``, the small words in ``ntm.presentation.page_words``. This
module re-exports the names the pages use.
"""

from ntm.dashboards.evaluation import URBAN_KINDS
from ntm.dashboards.selectors import (
    children_at_tier,
    latest_rows,
    nearest_data_days,
    requested_set,
    units_with_data,
)
from ntm.dashboards.unit_status.children import (
    FIRST_DESCENDING,
    SORTS,
    ChildrenOverview,
    ChildRow,
    children_overview,
    parse_sort,
    sort_links,
)
from ntm.dashboards.unit_status.figures import (
    Computed,
    FigureRow,
    Listing,
    ListingChange,
    computed_metric,
    figure_rows,
    later_listing,
)
from ntm.dashboards.unit_status.page import LinkRow, UnitPage, unit_page
from ntm.dashboards.unit_status.records import (
    RecognitionRow,
    TargetRow,
    recognition_rows,
    target_rows,
    target_text,
)
from ntm.dashboards.unit_status.status import (
    CriterionRow,
    IndicatorRow,
    SetStatus,
    condition_rows,
    criteria_table,
    set_status,
    short_source,
)
from ntm.dashboards.unit_status.timeline import TimelineEntry, timeline
from ntm.dashboards.unit_status.words import (
    CHILD_COUNT_METRICS,
    CRITERIA_MET_METRICS,
    LEVEL_NOUNS,
    REGISTRATION_METRICS,
    REPORTED_DECIMALS,
    TIER_WORDS,
    TIMELINE_LIMIT,
)
from ntm.presentation.page_words import (
    badge_class,
    era_label,
    is_demo,
    last_day,
    localized_number,
    page_wording,
    parent_chain,
    short_date,
    tier_label,
    validity_text,
)
from ntm.units.selectors import is_in_force
from ntm.units.wording import Crumb, ancestors, crumbs

__all__ = [
    "CHILD_COUNT_METRICS",
    "CRITERIA_MET_METRICS",
    "FIRST_DESCENDING",
    "LEVEL_NOUNS",
    "REGISTRATION_METRICS",
    "REPORTED_DECIMALS",
    "SORTS",
    "TIER_WORDS",
    "TIMELINE_LIMIT",
    "URBAN_KINDS",
    "ChildRow",
    "ChildrenOverview",
    "Computed",
    "CriterionRow",
    "Crumb",
    "FigureRow",
    "IndicatorRow",
    "LinkRow",
    "Listing",
    "ListingChange",
    "RecognitionRow",
    "SetStatus",
    "TargetRow",
    "TimelineEntry",
    "UnitPage",
    "ancestors",
    "badge_class",
    "children_at_tier",
    "children_overview",
    "computed_metric",
    "condition_rows",
    "criteria_table",
    "crumbs",
    "era_label",
    "figure_rows",
    "is_demo",
    "is_in_force",
    "last_day",
    "latest_rows",
    "later_listing",
    "localized_number",
    "nearest_data_days",
    "page_wording",
    "parent_chain",
    "parse_sort",
    "recognition_rows",
    "requested_set",
    "set_status",
    "short_date",
    "short_source",
    "sort_links",
    "target_rows",
    "target_text",
    "tier_label",
    "timeline",
    "unit_page",
    "units_with_data",
    "validity_text",
]

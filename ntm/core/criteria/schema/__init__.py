"""Validate criteria-set documents (docs/criteria-format.md) and resolve provincial variants.

Every refusal names the file, the place in it and the reason, e.g.
``hatinh-commune-ntm.yaml: criteria[0].indicators[1].thresholds[0].value: must be a number``.
"""

from ntm.core.criteria.schema.document import parse_document
from ntm.core.criteria.schema.reader import (
    CRITERION_KEYS,
    INDICATOR_KEYS,
    LEGAL_KEYS,
    ROW_KEYS,
    SET_KEYS,
    CriteriaDataError,
)
from ntm.core.criteria.schema.stored import content_hash, definition_from_dict, definition_to_dict
from ntm.core.criteria.schema.variants import applicable_row, first_loosened

__all__ = [
    "CRITERION_KEYS",
    "CriteriaDataError",
    "INDICATOR_KEYS",
    "LEGAL_KEYS",
    "ROW_KEYS",
    "SET_KEYS",
    "applicable_row",
    "content_hash",
    "definition_from_dict",
    "definition_to_dict",
    "first_loosened",
    "parse_document",
]

"""Write use cases of the recognition workflow: each step of a case, its documents and
declarations, re-acknowledgements of merged communes, and the province's settings.

Who does what (checked on the server for every write, with the unit in the user's scope):

- The commune prepares: registration, self-assessment, documents, the declarations of
  conditions C2-C4, sending the dossier. Roles: data entry or administrator.
- The district verifies (thẩm tra): an approver (or administrator) whose unit is a
  district. A commune with no district above it (every commune after the 2025 reform)
  skips verification; the skip is recorded with a note.
- The province appraises (thẩm định), records the decision, the announcement, starts and
  records a revocation, re-acknowledges merged communes and sets the procedure's
  settings: an approver (or administrator) whose unit is a province.
- A national office (an approver or administrator with no unit) may act at every office
  step.
- Whoever acts at a stage may add documents and declarations there and return the case to
  an earlier stage, with a comment. A case is withdrawn by the commune before it sends the
  dossier, or by the province office before a decision.

Every write runs in one transaction with its audit entries and a ``CaseEvent``.
"""

from ntm.recognition.services.access import (
    PREPARE_ROLES,
    CaseRefused,
    DecisionRefused,
    acting_level,
    may_act,
    require_actor,
    stage_actor,
)
from ntm.recognition.services.decisions import (
    announce_case,
    appraise_case,
    conditions_for,
    decide_case,
    verify_case,
)
from ntm.recognition.services.documents import (
    add_document,
    remove_document,
)
from ntm.recognition.services.reacknowledgement import (
    reacknowledge,
)
from ntm.recognition.services.records import (
    record_recognition,
    record_revocation,
)
from ntm.recognition.services.returns import (
    RETURNABLE,
    return_case,
    return_targets,
    withdraw_case,
)
from ntm.recognition.services.revocation import (
    has_ended,
    open_revocation_case,
    revoke_case,
    start_revocation,
)
from ntm.recognition.services.settings import (
    set_procedure_setting,
)
from ntm.recognition.services.steps import (
    Declaration,
    complete_self_assessment,
    declare_conditions,
    evaluation_day,
    register_case,
    set_for,
    skip_note,
    submit_dossier,
)

__all__ = [
    "PREPARE_ROLES",
    "CaseRefused",
    "DecisionRefused",
    "acting_level",
    "require_actor",
    "may_act",
    "stage_actor",
    "evaluation_day",
    "set_for",
    "register_case",
    "complete_self_assessment",
    "Declaration",
    "declare_conditions",
    "submit_dossier",
    "skip_note",
    "verify_case",
    "appraise_case",
    "conditions_for",
    "decide_case",
    "announce_case",
    "has_ended",
    "start_revocation",
    "open_revocation_case",
    "revoke_case",
    "RETURNABLE",
    "return_targets",
    "return_case",
    "withdraw_case",
    "add_document",
    "remove_document",
    "reacknowledge",
    "record_recognition",
    "record_revocation",
    "set_procedure_setting",
]

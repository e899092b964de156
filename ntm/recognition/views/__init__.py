"""Recognition pages: the cases per stage and their age, one case with its steps, documents
and conditions, monitoring after recognition, re-acknowledgement of merged communes and
the province's procedure settings.

Every view checks the scope on the server (a unit outside it is a 404); every write goes
through a service that checks the role and the stage and writes the audit trail. A
refused step shows the page again with every reason.
"""

from ntm.recognition.views.actions import case_action, document_file, document_remove
from ntm.recognition.views.case import (
    ACTION_FORMS,
    DETAIL_LABELS,
    case_detail,
    detail_lines,
    render_case,
)
from ntm.recognition.views.cases import case_list, register
from ntm.recognition.views.follow_up import MONITORING_SHOW, monitoring, open_revocation
from ntm.recognition.views.helpers import PAGE_SIZE, actor_words
from ntm.recognition.views.reacknowledgement import reacknowledge, reacknowledgements
from ntm.recognition.views.settings import procedure_settings

__all__ = [
    "ACTION_FORMS",
    "DETAIL_LABELS",
    "MONITORING_SHOW",
    "PAGE_SIZE",
    "actor_words",
    "case_action",
    "case_detail",
    "case_list",
    "detail_lines",
    "document_file",
    "document_remove",
    "monitoring",
    "open_revocation",
    "procedure_settings",
    "reacknowledge",
    "reacknowledgements",
    "register",
    "render_case",
]

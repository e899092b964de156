"""The stages of a case are defined once, in the recognition domain (issue 10, §3)."""

from ntm.recognition.models import STAGE_ORDER, Stage
from ntm.recognition.selectors import BEFORE_DECISION, STAGE_ACTOR, WAITING_STAGES


def test_the_stages_before_the_decision_are_the_order_up_to_it():
    assert tuple(STAGE_ORDER[: STAGE_ORDER.index(Stage.DECISION) + 1]) == BEFORE_DECISION
    assert set(BEFORE_DECISION) <= WAITING_STAGES
    assert all(stage in STAGE_ACTOR for stage in BEFORE_DECISION)

"""Which cells a period under review or locked keeps from changing, and why, in words.

The check itself is ``ntm.approvals.freeze`` (below the values write path, which uses it);
these are its public names for the approval side: the workflow, the panel, the services.
"""

from ntm.approvals.freeze import Cell, PeriodFrozen, frozen_cells, frozen_message, refuse_frozen

__all__ = ["Cell", "PeriodFrozen", "frozen_cells", "frozen_message", "refuse_frozen"]

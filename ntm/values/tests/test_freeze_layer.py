"""The values write path checks frozen periods without the approval workflow (issue 10).

``ntm.approvals.freeze`` reads the Submission table; the write path (``bulk``,
``bulk_records``, ``evidence``) imports it, never ``ntm.approvals.locking`` or the
workflow (``approval``), and the freeze check itself imports nothing of the workflow.
"""

from __future__ import annotations

import grimp

WRITE_PATH = ("ntm.values.bulk", "ntm.values.bulk_records", "ntm.values.evidence")
WORKFLOW = ("ntm.approvals.approval", "ntm.approvals.locking")


def test_the_write_path_reads_the_freeze_below_the_workflow():
    graph = grimp.build_graph("ntm")
    for module in WRITE_PATH:
        imported = graph.find_modules_directly_imported_by(module)
        assert "ntm.approvals.freeze" in imported, module
        assert not imported & set(WORKFLOW), (module, imported & set(WORKFLOW))
    below = graph.find_upstream_modules("ntm.approvals.freeze")
    assert not below & set(WORKFLOW), below & set(WORKFLOW)

"""Template tags only format what the views give them: no tag reads the database (issue 10,
§3; the reads are in ``ntm.approvals.approval_state`` and ``ntm.recognition.panel``)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]


def test_no_template_tag_module_queries_the_database():
    readers = []
    for path in sorted(PACKAGE.glob("*/templatetags/*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            # Querysets are built from a model's manager or with django.db.models' helpers.
            imported = isinstance(node, ast.ImportFrom) and node.module == "django.db.models"
            queried = isinstance(node, ast.Attribute) and node.attr == "objects"
            if imported or queried:
                readers.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert readers == [], "move these reads into a selector the view calls: " + ", ".join(readers)

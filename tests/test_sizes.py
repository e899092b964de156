"""The house stays easy to read: no module over 600 lines, no function over 80 (issue 10).

Migrations and tests are outside the rule. A function is counted from its ``def`` line to
its last line (decorators excluded), as ``ast`` sees it. A module that grows past the limit
becomes a package of topic modules whose ``__init__`` re-exports the names
(docs/architecture.md); a long function is cut into named steps.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80


def _modules() -> list[Path]:
    paths = [*sorted((ROOT / "ntm").rglob("*.py")), *sorted((ROOT / "config").rglob("*.py"))]
    return [p for p in paths if not {"migrations", "tests"} & set(p.relative_to(ROOT).parts)]


def test_the_rule_sees_the_code() -> None:
    modules = {p.relative_to(ROOT).as_posix() for p in _modules()}
    assert len(modules) > 200
    assert {"ntm/cli.py", "ntm/values/bulk.py", "config/settings.py"} <= modules
    assert not any("/tests/" in m or "/migrations/" in m for m in modules)


def test_no_module_over_600_lines() -> None:
    long = []
    for path in _modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not long, "Split these modules by topic (a package):\n" + "\n".join(long)


def test_no_function_over_80_lines() -> None:
    long = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(
                        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {lines} lines"
                    )
    assert not long, "Cut these functions into named steps:\n" + "\n".join(long)

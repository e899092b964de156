"""The layers of docs/architecture.md hold: the import contracts of pyproject.toml are kept,
and every module of ntm (tests and migrations aside) is placed in a layer."""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"


def contracts() -> list[dict]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def layered_modules() -> set[str]:
    """The modules named in the layers contract ("(x)": optional x)."""
    (layers,) = [c["layers"] for c in contracts() if c["type"] == "layers"]
    names = set()
    for layer in layers:
        for part in layer.replace("|", ":").split(":"):
            names.add(part.strip().strip("()"))
    return names


def source_modules() -> list[str]:
    """Every module of ntm and config, as a dotted name; tests and migrations left out."""
    found = []
    for package in ("ntm", "config"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if {"tests", "migrations"} & set(parts) or "." in parts[-1]:
                continue  # gunicorn.conf.py is a settings file, not a module
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found.append(".".join(parts))
    return found


def test_every_module_is_in_a_layer():
    listed = layered_modules()
    unplaced = [
        name
        for name in source_modules()
        if not any(name == m or name.startswith(m + ".") for m in listed)
        and not any(m.startswith(name + ".") for m in listed)  # a package of listed modules
    ]
    assert not unplaced, f"Place these modules in a layer of pyproject.toml: {unplaced}"


def test_the_import_contracts_are_kept(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0


def test_no_import_is_ignored():
    for contract in contracts():
        ignored = contract.get("ignore_imports", [])
        assert not ignored, f"{contract['id']}: ignores {ignored}; fix the imports instead"

"""Text the system refuses at its edges: lone surrogates, NUL and other control characters.

A lone surrogate (``"\\ud800"`` in JSON or a YAML escape) cannot be encoded for the
database; PostgreSQL refuses NUL in text; other C0 control characters are never meant and
break exports. Tab, line feed and carriage return are allowed where text may span lines.
Plain Python: the API parser, the page middleware and the file importers call it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# C0 controls except tab, line feed and carriage return; DEL; lone UTF-16 surrogates.
_BAD_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_BAD_ONE_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")

# The database's integer range (PostgreSQL bigint, SQLite INTEGER).
MAX_INT = 2**63 - 1


@dataclass(frozen=True)
class BadText:
    """Where a refused character was found, which one, and its description."""

    where: str
    char: str

    @property
    def code(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def kind(self) -> str:
        if "\ud800" <= self.char <= "\udfff":
            return "surrogate"
        return "nul" if self.char == "\x00" else "control"


def bad_character(text: str, *, multiline: bool = True) -> str | None:
    """The first refused character of ``text``, or None."""
    found = (_BAD_MULTILINE if multiline else _BAD_ONE_LINE).search(text)
    return found.group() if found else None


def printable(text: str) -> str:
    """``text`` with every refused character replaced by U+FFFD, safe to show and store."""
    return _BAD_ONE_LINE.sub("\ufffd", text)


# A place in a document: (parent place, key or index), rendered only when something is found.
_Place = tuple[Any, Any] | None


def _render(place: _Place, root: str) -> str:
    parts: list[str] = []
    while place is not None:
        place, key = place
        parts.append(f"[{key}]" if isinstance(key, int) else f".{printable(str(key))}")
    text = root + "".join(reversed(parts))
    text = text[1:] if not root and text.startswith(".") else text
    return text if len(text) <= 120 else "…" + text[-119:]


def _walk(data: Any) -> Iterator[tuple[str, _Place]]:
    """Every string of a parsed JSON/YAML document (keys too) with its place, without
    recursion (a deeply nested document must not exhaust the stack)."""
    stack: list[tuple[Any, _Place]] = [(data, None)]
    while stack:
        item, place = stack.pop()
        if isinstance(item, str):
            yield item, place
        elif isinstance(item, dict):
            for key, value in reversed(item.items()):
                if isinstance(key, str):
                    yield key, (place, key)
                stack.append((value, (place, key)))
        elif isinstance(item, list | tuple):
            stack.extend((value, (place, i)) for i, value in reversed(list(enumerate(item))))


def find_bad_text(data: Any, where: str = "") -> BadText | None:
    """The first string in a parsed document holding a refused character, or None."""
    for text, place in _walk(data):
        char = bad_character(text)
        if char is not None:
            return BadText(_render(place, where), char)
    return None

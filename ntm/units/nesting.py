"""How deeply a JSON or YAML text nests, found by a scan of the text before it is parsed.

Parsers recurse (``json``, PyYAML's composer) or slow down quadratically (PyYAML's scanner
on deep flow collections: 20,000 ``[`` took a minute of CPU) on deeply nested input, so an
uploaded file's depth is measured first, with regular expressions and C-level loops, and a
file deeper than any real one is refused with the line where it gets too deep.
"""

from __future__ import annotations

import re
from itertools import accumulate

#: Deeper than any real file: a GeoJSON MultiPolygon nests 8 levels, a criteria set ~10.
MAX_DEPTH = 64

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}\n]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1, "\n": 0}


class TooDeep(ValueError):
    """A text nested deeper than the limit; `line` is where it first gets too deep."""

    def __init__(self, depth: int, line: int, limit: int):
        super().__init__(f"nesting deeper than {limit} at line {line}")
        self.depth, self.line, self.limit = depth, line, limit


def check_json_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """TooDeep when the JSON text nests arrays and objects deeper than `limit`."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub('""', text))
    if brackets.count("[") + brackets.count("{") <= limit:
        return
    deepest = max(accumulate(map(_STEP.__getitem__, brackets)), default=0)
    if deepest <= limit:
        return
    depth, line = 0, 1
    for character in brackets:
        depth += _STEP[character]
        line += character == "\n"
        if depth > limit:
            raise TooDeep(deepest, line, limit)


_YAML_QUOTED = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\n]|'')*'")
_YAML_COMMENT = re.compile(r"(?:^|\s)#.*$")
_YAML_BLOCK_SCALAR = re.compile(r"(?:^|[\s:-])[|>][0-9+-]*\s*$")
#: "- " items and "key: " pairs that open a nested block on the same line.
_YAML_INLINE_LEVEL = re.compile(r"(?:^|\s)-(?=\s|$)|:(?=\s|$)")


def check_yaml_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """TooDeep when the YAML text may nest deeper than `limit`.

    An upper bound, line by line: a block level needs at least one more space of
    indentation or a "- " / "key: " on the line, and flow collections count their
    brackets (outside quotes and comments). Literal block scalars are skipped.
    """
    flow = 0
    scalar_indent: int | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.lstrip(" ")
        indent = len(raw) - len(stripped)
        if scalar_indent is not None:
            if not stripped or indent > scalar_indent:
                continue
            scalar_indent = None
        line = _YAML_COMMENT.sub("", _YAML_QUOTED.sub("''", stripped))
        if not line.strip():
            continue
        for character in _NOT_BRACKET.sub("", line):
            flow += _STEP[character]
            if flow > limit:
                raise TooDeep(flow, number, limit)
        block = indent + len(_YAML_INLINE_LEVEL.findall(line))
        if flow == 0 and block > limit:
            raise TooDeep(block, number, limit)
        if flow == 0 and _YAML_BLOCK_SCALAR.search(line):
            scalar_indent = indent

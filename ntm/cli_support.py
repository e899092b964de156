"""Shared pieces of the `ntm` command line: user errors, JSON output, date arguments."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any


class UserError(Exception):
    """A problem with the user's input: printed as a message, exit status 2, no traceback."""


def parse_date(text: str | None, *, option: str = "--as-of") -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"{option}: {text!r} is not a date; use YYYY-MM-DD, e.g. 2021-09-25"
        ) from None


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")

"""What the pages accept in their URLs and query strings: record ids the database can hold
and days in a sane range.

``<id:...>`` (registered by ``WebConfig.ready``) replaces Django's ``<int:...>``, which takes
any number of digits: one beyond 2^63-1 reached the database and failed there (a 500);
``<id:...>`` does not match it, so the page is a 404 like any unknown record.
``parse_id`` and ``parse_day`` do the same for query-string values.
"""

from __future__ import annotations

import datetime as dt

from django.urls import register_converter

from ntm.accounts.api_types import FIRST_DAY, LAST_DAY
from ntm.core.text import MAX_INT


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_INT:
            raise ValueError(value)  # no match: 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")


def parse_id(raw: str | None) -> int | None:
    """A record id from a query string, or None (not digits, or beyond the database's range)."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_INT:
        return None
    return int(raw)


def parse_day(text: str) -> dt.date:
    """A YYYY-MM-DD day from 2000-01-01 to 2100-12-31; ValueError otherwise, which each
    page reports as an invalid day (a later day overflowed the date arithmetic: a 500)."""
    day = dt.date.fromisoformat(text)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(text)
    return day

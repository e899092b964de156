"""What every API operation accepts at its edge: ids in the database's range, days in a sane
range, and JSON and form text without characters the database cannot store.

``Id`` and ``Day`` annotate path and query parameters of every router; ``ApiParser`` is the
parser of the one NinjaAPI (``config/api.py``): it refuses a JSON body or form field
holding a lone surrogate, NUL or another control character, or an integer beyond 2^63-1,
with a 422 that says where.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.parser import Parser
from pydantic import Field

from ntm.core.text import MAX_INT, find_bad_text
from ntm.units.wording import bad_text_message

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)

Id = Annotated[int, Field(ge=1, le=MAX_INT, description="A record id (1 to 2^63-1).")]
#: How many rows a list skips; more than any table holds, less than SQLite can take.
Offset = Annotated[int, Field(ge=0, le=10**9, description="Rows to skip (0 to 10^9).")]
Year = Annotated[int, Field(ge=FIRST_DAY.year, le=LAST_DAY.year, description="2000 to 2100.")]
Day = Annotated[
    dt.date, Field(ge=FIRST_DAY, le=LAST_DAY, description="A day from 2000-01-01 to 2100-12-31.")
]


class BadInput(ValueError):
    """Input refused at the edge; ``str()`` is the message for the user."""


def _bounded_int(text: str) -> int:
    number = int(text)
    if abs(number) > MAX_INT:
        raise BadInput(
            _(
                "Số nguyên %(start)s… quá lớn (tối đa 2^63-1 = %(max)s); "
                "hãy kiểm tra lại mã số hoặc giá trị."
            )
            % {"start": text[:20], "max": MAX_INT}
        )
    return number


class ApiParser(Parser):
    """The default JSON and form parser, refusing what the database cannot store."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body, parse_int=_bounded_int)
        # Only a \u escape makes a refused character (json.loads refuses raw control ones).
        found = find_bad_text(data) if b"\\u" in request.body else None
        if found is not None:
            raise BadInput(bad_text_message(found))
        return data

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        found = find_bad_text({k: v for k, v in parsed.items() if isinstance(v, str | list)})
        if found is not None:
            raise BadInput(bad_text_message(found))
        return parsed

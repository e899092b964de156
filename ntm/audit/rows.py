"""Write many rows of one model as one prepared INSERT run many times (``executemany``).

``bulk_create`` spends most of its time building model instances and compiling their SQL;
for the hundreds of thousands of rows of a national load (the demo's certifications and
their audit entries) the same rows written this way take a fraction of the time. Values
go through the same adaptations as the ORM's for dates, times and JSON; the caller gives
every column (defaults are not applied) and has checked the rows: this writes, it does not
validate. Call it inside the writing transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 5000


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.DateTimeField):
        adapt = ops.adapt_datetimefield_value
    elif isinstance(field, models.DateField):
        adapt = ops.adapt_datefield_value
    else:
        return None
    cache: dict[Any, Any] = {}  # a load has few distinct days and times

    def cached(value):
        if value not in cache:
            cache[value] = adapt(value)
        return cache[value]

    return cached


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (one value per column name, in order); returns how many."""
    ops = connection.ops
    fields = [model._meta.get_field(name) for name in columns]
    adapters = [(i, a) for i, f in enumerate(fields) if (a := _adapter(f)) is not None]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            values = list(row)
            for index, adapt in adapters:
                if values[index] is not None:
                    values[index] = adapt(values[index])
            batch.append(values)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count

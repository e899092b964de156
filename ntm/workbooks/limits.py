"""How much of an uploaded workbook is read: sizes, rows, columns and problems, bounded.

The bounds come from what a template can hold. A template lists the communes of one
province at most (Thanh Hóa had 453 in 2020, about 640 before its mergers) times the
indicators of one set (56 at most, in commune-ntm-2021-2025): so at most about
``MAX_UNITS * MAX_INDICATORS`` = 42,000 data rows, and a file's own template allows only
its units times its indicators (plus a few rows added by hand). A 453-commune template of
the 49-indicator set (22,197 rows) unpacks to 20.6 MB (sheet1.xml 20.4 MB, packed 14
times); the unpacked cap leaves three times that.

A file over a bound is refused with the bound in the message; problems past the 200th
are counted, not collected.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ntm.values.archives import ArchiveLimits, ArchiveRefused, check_sizes

#: The most communes a template lists (one province, with margin).
MAX_UNITS = 700
#: The most indicators of a set that take values (with margin).
MAX_INDICATORS = 60
#: Data rows of the largest template, before its codes sheet is read.
MAX_DATA_ROWS = MAX_UNITS * MAX_INDICATORS
#: Rows a user may add by hand below a template's own rows.
EXTRA_ROWS = 500
#: Rows of the codes sheet: a few header rows, one per column, unit and indicator.
MAX_CODES_ROWS = MAX_UNITS + MAX_INDICATORS + 100
#: A template has 17 columns; room for a few columns of the user's own notes.
MAX_COLUMNS = 60
#: Unpacked size of a whole file and of any part of it: three times the largest template.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
#: Shared strings (Excel keeps every text there): unit and indicator names, sources, notes.
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024
#: Problems listed; the rest are counted ("… và N lỗi khác").
MAX_PROBLEMS = 200


class LimitExceeded(ValueError):
    """A file over a bound; the message says which, and the bound."""


def check_archive(content: bytes) -> None:
    """LimitExceeded when the file would unpack to more than a template ever needs.

    ``zipfile.BadZipFile`` for a file that is not a zip."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        try:
            check_sizes(archive, ArchiveLimits(total=MAX_UNPACKED_BYTES, member=MAX_UNPACKED_BYTES))
        except ArchiveRefused as refused:
            raise LimitExceeded(
                _("Tệp không phải một mẫu nhập liệu: %(reason)s.") % {"reason": refused}
            ) from None
        strings = next(
            (i for i in archive.infolist() if i.filename.lower() == "xl/sharedstrings.xml"), None
        )
        if strings is not None and strings.file_size > MAX_SHARED_STRINGS_BYTES:
            raise LimitExceeded(
                _(
                    "Tệp không phải một mẫu nhập liệu: phần chữ dùng chung (sharedStrings.xml) "
                    "giải nén ra %(size)d MB, quá giới hạn %(limit)d MB."
                )
                % {
                    "size": strings.file_size // (1024 * 1024),
                    "limit": MAX_SHARED_STRINGS_BYTES // (1024 * 1024),
                }
            )


def check_dimension(sheet, *, max_row: int, max_column: int = MAX_COLUMNS) -> None:
    """LimitExceeded when a sheet declares more rows or columns than `max_row`, `max_column`
    (read from its ``<dimension>``, before any row is read)."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > max_row:
        raise LimitExceeded(too_many_rows(sheet.title, rows, max_row))
    if columns > max_column:
        raise LimitExceeded(
            _(
                "Sheet “%(sheet)s” khai báo %(count)d cột, quá giới hạn %(limit)d cột của một "
                "mẫu. Hãy chép số liệu vào một mẫu mới tải từ hệ thống."
            )
            % {"sheet": sheet.title, "count": columns, "limit": max_column}
        )


def too_many_rows(sheet: str, rows: int, limit: int) -> str:
    return _(
        "Sheet “%(sheet)s” có %(count)d dòng, quá giới hạn %(limit)d dòng (số đơn vị nhân số "
        "chỉ tiêu của mẫu, cộng phần dư). Hãy xoá các dòng thừa hoặc chép số liệu vào một mẫu "
        "mới tải từ hệ thống."
    ) % {"sheet": sheet, "count": rows, "limit": limit}


def data_row_limit(header_row: int, units: int, indicators: int) -> int:
    """The last row a file's data sheet may have: its template's rows (one per unit and
    indicator, one band per criterion) and a margin."""
    return header_row + min(units * indicators + indicators, MAX_DATA_ROWS) + EXTRA_ROWS


def more_text(count: int) -> str:
    """ "… và 4.800 lỗi khác." (empty for 0)."""
    if not count:
        return ""
    return ngettext("… và %(count)s lỗi khác.", "… và %(count)s lỗi khác.", count) % {
        "count": count
    }

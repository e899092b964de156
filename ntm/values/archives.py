"""Zip archives sent by users (office documents, Excel templates), checked before reading.

A zip file says in its central directory how large every member unpacks to; Python's
``zipfile`` never gives more bytes than that size (it cuts a member that lies). So the
sizes and ratios read there bound what any later reading costs: an archive whose total,
member size, member count or compression ratio is absurd is refused before any member is
unpacked, and the content checks read only the first bytes of a member (``read_head``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from ntm.core.numbers import format_number
from ntm.number_messages import page_locale

#: Members smaller than this are not checked for their ratio (a short text packs well).
_RATIO_FROM = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """What an archive may unpack to: in total, per member, members, and packing ratio."""

    total: int
    member: int
    members: int = 5000
    #: unpacked / packed size of one member; deflate reaches ~1000 on repeated bytes,
    #: real documents (XML, images) stay well under 100.
    ratio: int = 200


class ArchiveRefused(ValueError):
    """An archive that unpacks to too much; the message says what and the limit."""


def _megabytes(size: int) -> str:
    return format_number(size / (1024 * 1024), 1, locale=page_locale(), grouping=False)


def open_checked(stream: IO[bytes], limits: ArchiveLimits) -> zipfile.ZipFile:
    """The archive, its central directory checked against `limits` (nothing unpacked).

    ``zipfile.BadZipFile`` for a file that is not a zip, ``ArchiveRefused`` for one that
    would unpack to too much.
    """
    archive = zipfile.ZipFile(stream)
    try:
        check_sizes(archive, limits)
    except BaseException:
        archive.close()
        raise
    return archive


def check_sizes(archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    """ArchiveRefused when the archive's declared sizes are over `limits`."""
    members = archive.infolist()
    if len(members) > limits.members:
        raise ArchiveRefused(
            _("tệp nén gồm %(count)d phần, quá giới hạn %(limit)d phần")
            % {"count": len(members), "limit": limits.members}
        )
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > limits.member:
            raise ArchiveRefused(
                _("phần “%(name)s” giải nén ra %(size)s MB, quá giới hạn %(limit)s MB")
                % {
                    "name": info.filename[:80],
                    "size": _megabytes(info.file_size),
                    "limit": _megabytes(limits.member),
                }
            )
        if info.file_size >= _RATIO_FROM and info.file_size > limits.ratio * max(
            info.compress_size, 1
        ):
            raise ArchiveRefused(
                _(
                    "phần “%(name)s” nén %(ratio)d lần (%(packed)s MB thành %(size)s MB): "
                    "không phải tài liệu thật (“bom nén”)"
                )
                % {
                    "name": info.filename[:80],
                    "ratio": info.file_size // max(info.compress_size, 1),
                    "packed": _megabytes(info.compress_size),
                    "size": _megabytes(info.file_size),
                }
            )
    if total > limits.total:
        raise ArchiveRefused(
            _("tệp giải nén ra %(size)s MB, quá giới hạn %(limit)s MB")
            % {"size": _megabytes(total), "limit": _megabytes(limits.total)}
        )


def read_head(archive: zipfile.ZipFile, name: str, size: int = 256) -> bytes:
    """The first `size` bytes of a member (never the whole member)."""
    with archive.open(name) as member:
        return member.read(size)

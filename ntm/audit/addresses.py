"""The client's address behind a known number of reverse proxies, never a forged one.

Each proxy that forwards a request appends the address it received it from to
X-Forwarded-For (nginx: ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``).
What the client itself puts in the header comes first and is worth nothing: only the
last ``NTM_PROXY_COUNT`` entries were written by our proxies, and the leftmost of those
is the client as our outermost proxy saw it. So with one proxy the client is the last
entry, with two the one before it, and so on.

Anything that is not an IP address (a forged ``=cmd|"/c calc"!A1``, HTML, a host name)
is never returned: the audit trail and the login lockout store addresses (PostgreSQL:
``inet``), and a bad value there would fail every login and every audited write. When
the header is missing, shorter than the proxy count or its entry is not an address, the
address is that of the connection (REMOTE_ADDR), or None when that is not one either.

django-ipware (considered, not used) counts proxies from the other end and answers None when the
header holds fewer entries than it expects, which is the common case of one nginx in
front and no header from the client; these few lines say exactly what is trusted.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping

#: "[2001:db8::1]:443" or "203.0.113.9:51234": an address with a port, as some proxies add.
_WITH_PORT = re.compile(r"^\[(?P<v6>[0-9A-Fa-f:.]+)\](?::\d{1,5})?$|^(?P<v4>[0-9.]+):\d{1,5}$")
#: Longer than any written IP address (with brackets and port): not looked at.
_MAX_LENGTH = 60


def valid_address(value: object) -> str | None:
    """The IP address in `value`, in its canonical form; None if it is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > _MAX_LENGTH:
        return None
    match = _WITH_PORT.match(text)
    if match:
        text = match.group("v6") or match.group("v4")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:  # "fe80::1%eth0": not storable, and local anyway
            return None
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
    return str(address)


def client_address(meta: Mapping[str, object], proxy_count: int) -> str | None:
    """The client's address from a request's META behind `proxy_count` trusted proxies."""
    connection = valid_address(meta.get("REMOTE_ADDR"))
    if proxy_count <= 0:
        return connection
    header = meta.get("HTTP_X_FORWARDED_FOR")
    if not isinstance(header, str) or not header.strip():
        return connection
    entries = [entry.strip() for entry in header.split(",")]
    if len(entries) < proxy_count:
        return connection
    return valid_address(entries[-proxy_count]) or connection

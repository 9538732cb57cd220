"""The client's address, as every rate limit counts it (the verify page, new invitation links, allauth's login
and code limits, the open API).

Without a proxy it is REMOTE_ADDR, the other end of the connection. Behind our own proxies
(DJANGO_BEHIND_PROXY=true, DJANGO_TRUSTED_PROXY_COUNT of them, each appending the address it saw to
X-Forwarded-For) it is the entry the outermost of our proxies appended: counted from the right, since a client
can write whatever it likes on the left of the header, but never past our proxies' own entries.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's IP address as a string ("unknown" if there is none to be had)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        # Fewer entries than proxies: the request did not come through all of them (a direct connection, or a
        # proxy set up wrong). The connection's own address is then the only one not forged.
        if len(forwarded) >= count:
            address = _valid(forwarded[-count])
            if address:
                return address
    return _valid(request.META.get("REMOTE_ADDR", "")) or "unknown"


def _valid(text):
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return ""

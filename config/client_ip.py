"""The client's IP address for login throttling (django-axes).

Behind reverse proxies REMOTE_ADDR is the nearest proxy, so the address comes from
X-Forwarded-For, read the way the API throttle reads it: `AXES_NUM_PROXIES` hops from the
end, the part of the header our own proxies wrote. The entries further left come from
the client and could be forged to escape a lock.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, as seen by the outermost of our reverse proxies."""
    remote_addr = request.META.get("REMOTE_ADDR")
    num_proxies = getattr(settings, "AXES_NUM_PROXIES", 0)
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR")
    if not num_proxies or not forwarded_for:
        return remote_addr
    addresses = [address.strip() for address in forwarded_for.split(",")]
    return addresses[-min(num_proxies, len(addresses))] or remote_addr

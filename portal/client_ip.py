"""The client's IP address, for sign-in lockouts (django-axes), the API throttle and the
portal's rate limits.

Behind reverse proxies REMOTE_ADDR is the nearest proxy, so the address comes from
X-Forwarded-For — but only when the request reaches us from one of `TRUSTED_PROXIES`
(addresses or networks): anyone else could write the header to pose as another client
and escape a lock or a quota. The header is read from the end, skipping our own proxies'
addresses: the first address that is not one of them is the client's. The entries further
left come from the client and are never believed.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of `TRUSTED_PROXIES` ("10.0.0.5", "10.0.0.0/24", "::1")."""
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def is_trusted_proxy(address: str | None) -> bool:
    """Whether `address` is one of our own reverse proxies."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    networks = trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    return any(ip in network for network in networks)


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, as seen by the outermost of our reverse proxies."""
    remote_addr = request.META.get("REMOTE_ADDR")
    forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR")
    if not forwarded_for or not is_trusted_proxy(remote_addr):
        return remote_addr
    addresses = [address.strip() for address in forwarded_for.split(",") if address.strip()]
    for address in reversed(addresses):
        if not is_trusted_proxy(address):
            return address if _is_ip(address) else remote_addr
    # Every hop is one of ours (a request made from a proxy's own machine).
    return addresses[0] if addresses else remote_addr

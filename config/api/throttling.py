"""The API throttle, counting per client address as `portal.client_ip` reads it."""

from rest_framework.throttling import AnonRateThrottle as BaseAnonRateThrottle

from portal.client_ip import client_ip


class AnonRateThrottle(BaseAnonRateThrottle):
    """DRF's anonymous throttle, with the client's address taken from X-Forwarded-For only
    when the request comes from one of `TRUSTED_PROXIES` (DRF's own `NUM_PROXIES` would
    believe the header from anyone)."""

    def get_ident(self, request):
        return client_ip(request) or super().get_ident(request)

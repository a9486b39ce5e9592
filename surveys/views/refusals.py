"""Pages refusing a request that asked too much: too often (429), too large (413)."""

import math

from django.shortcuts import render


def too_many_requests(request, wait_seconds: int, what: str):
    """The 429 page: what was refused and how long to wait (also in `Retry-After`)."""
    response = render(
        request,
        "registration/too_many_requests.html",
        {"what": what, "minutes": max(1, math.ceil(wait_seconds / 60))},
        status=429,
    )
    response["Retry-After"] = str(wait_seconds)
    return response


def too_large(request, what: str, limit_bytes: int):
    """The 413 page: what was refused and the size it may not exceed."""
    return render(
        request,
        "registration/too_large.html",
        {"what": what, "limit_kib": limit_bytes // 1024},
        status=413,
    )

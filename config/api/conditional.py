"""Conditional requests on the API: `ETag` and `Last-Modified`, answered `304`.

Every successful `GET`/`HEAD` of `/api/` that is not streamed gets a strong `ETag` (a
digest of the body) and a `Last-Modified`: the time this URL first answered with that
body, kept in the shared cache per URL, language, format and user. A client repeating
the request with `If-None-Match` (or `If-Modified-Since`) gets `304 Not Modified` and no
body while nothing changed.

Why the first time the body was seen rather than the rows' `updated_at`: a list or a
record is assembled from several tables (partners, sources, themes, territories), and a
date taken from one of them could be older than a change in another, answering 304 for
a changed representation. A date kept with the digest can only be late (a cache entry
that was evicted starts again from now), which costs a full answer, never a stale one.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

API_PREFIX = "/api/"
# Long enough that a client polling daily gets 304s; an evicted entry only means a 200.
FIRST_SEEN_TIMEOUT = 30 * 24 * 3600


def _first_seen_key(request: HttpRequest, response: HttpResponse) -> str:
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else ""
    parts = (
        request.get_full_path(),
        response.get("Content-Type", ""),
        response.get("Content-Language", ""),
        str(user_id),
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"api-first-seen:{digest}"


def _last_modified(request: HttpRequest, response: HttpResponse) -> int:
    """When this URL first answered with this ETag, in seconds since the epoch."""
    key = _first_seen_key(request, response)
    etag = response["ETag"]
    stored = cache.get(key)
    if stored and stored[0] == etag:
        return stored[1]
    now = int(timezone.now().timestamp())
    cache.set(key, (etag, now), FIRST_SEEN_TIMEOUT)
    return now


class ConditionalApiMiddleware:
    """`ETag`, `Last-Modified` and `304 Not Modified` for the API's reads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method not in ("GET", "HEAD")
            or not request.path.startswith(API_PREFIX)
            or response.status_code != 200
            or response.streaming
        ):
            return response
        if not response.has_header("ETag"):
            set_response_etag(response)
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(_last_modified(request, response))
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )

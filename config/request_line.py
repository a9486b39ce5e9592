"""Checks on the request line, before any routing: what no view could serve is refused
here, with the answer config/errors.py gives (JSON under /api/, a page elsewhere)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .errors import page_not_found, uri_too_long


class RequestLineMiddleware:
    """Refuses a URL longer than `MAX_URL_LENGTH` characters (path and query string) with
    a 414, and a path holding a NUL character with a 404.

    The length limit keeps the work a request can cause bounded (filters are repeatable
    query parameters) and stays below gunicorn's own limit on the request line (4,094
    bytes), so that clients get this answer rather than the server's. A NUL can name no
    page, and PostgreSQL refuses it in a query: without this, every lookup by a path
    parameter would have to guard against it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_URL_LENGTH
        if len(request.get_full_path()) > limit:
            return uri_too_long(request, limit=limit)
        if "\x00" in request.path_info:
            return page_not_found(request)
        return self.get_response(request)

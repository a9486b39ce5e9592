"""Error responses that Django itself answers (no route, a refused request, a crash): JSON
`{"detail": "…"}` under /api/, where clients read JSON whatever went wrong, and a DSFR page
elsewhere. DRF answers the errors it raises itself (400, 401, 403, 404…) in the same shape.

Wired in config/urls.py (handler400, handler404, handler500) and used by
config/request_line.py for the 414."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def is_api_request(request: HttpRequest) -> bool:
    """Whether the request is addressed to the API (or its schema and documentation)."""
    return request.path.startswith(API_PREFIX)


def _json(detail: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """A request Django refuses before any view runs (a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, too many parameters, a forged Host…). A body that is too
    large is a 413, so that the client knows to send less rather than to fix its syntax."""
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    if is_api_request(request):
        if isinstance(exception, TooManyFieldsSent):
            limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            message = _("Trop de paramètres (%(limit)s au plus).")
            return _json(message % {"limit": number_format(limit, force_grouping=True)}, 400)
        return _json(_("Requête invalide."), 400)
    return defaults.bad_request(request, exception)


def request_too_large(request: HttpRequest) -> HttpResponse:
    """413: the body is larger than the server accepts."""
    if is_api_request(request):
        return _json(_("Corps de la requête trop volumineux."), 413)
    return render(request, "413.html", status=413)


def uri_too_long(request: HttpRequest, *, limit: int) -> HttpResponse:
    """414: the URL (path and query string) is longer than `limit` characters."""
    if is_api_request(request):
        message = _("Adresse trop longue (%(limit)s caractères au plus).")
        return _json(message % {"limit": number_format(limit, force_grouping=True)}, 414)
    return render(request, "414.html", {"limit": limit}, status=414)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """404 for an address that matches no route (an unknown path, or a path parameter
    outside its pattern, such as a territory kind that does not exist)."""
    if is_api_request(request):
        return _json(_("Adresse inconnue de l’API : voir la documentation, /api/docs/."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500. Nothing here may need the database, which may be the cause."""
    if is_api_request(request):
        return _json(_("Erreur interne du serveur : réessayez plus tard."), 500)
    return defaults.server_error(request)

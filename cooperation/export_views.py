"""Downloads of the registry: /cooperations/export/<fmt>/?<the list page's query string>."""

import math

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from rest_framework.settings import api_settings

from jobs.downloads import export_now_or_later
from jobs.models import ExportJob

from .export_requests import RegistryExport, filter_errors
from .exports import FORMATS

__all__ = ["CooperationExportView", "bad_request", "filter_errors"]


class CooperationExportView(View):
    """The records of the list page (same filters, same order, same scoping; `page` is
    ignored) as csv, zip, xlsx, ods, json or geojson. `sep=semicolon` for French Excel;
    `table=partnerships` for the CSV of partners. Past the thresholds, the file is
    prepared in the background: the answer is then the job's page.

    Anonymous clients are throttled like the API, by the same throttles with the same
    counters: a download counts as an API request, so that exports are no way around the
    API's quota."""

    def get(self, request, fmt):
        wait = self.throttle_wait(request)
        if wait is not None:
            return throttled(request, wait)
        if fmt not in FORMATS:
            raise Http404(_("Format d’export inconnu : « %s ».") % fmt)
        export = RegistryExport.for_request(request, fmt)
        if errors := export.errors():
            return bad_request(
                errors, hint=_("Corrigez les filtres sur la page des coopérations, puis réessayez.")
            )
        result = export_now_or_later(request, export)
        if isinstance(result, ExportJob):
            return redirect(result)
        return result

    def throttle_wait(self, request) -> float | None:
        """Seconds to wait if a throttle of the API refuses this request, else None."""
        waits = [
            throttle.wait() or 0
            for throttle in (cls() for cls in api_settings.DEFAULT_THROTTLE_CLASSES)
            if not throttle.allow_request(request, self)
        ]
        return max(waits) if waits else None


def throttled(request, wait: float) -> HttpResponse:
    """A 429 page: too many downloads, and when to try again (also in `Retry-After`)."""
    seconds = max(1, math.ceil(wait))
    response = render(
        request,
        "cooperation/export_throttled.html",
        {"minutes": math.ceil(seconds / 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def bad_request(errors: list[str], *, hint: str) -> HttpResponseBadRequest:
    """A plain-text 400 for a download link with invalid parameters: what is wrong, and
    `hint` to say where to correct it."""
    text = "\n".join(
        [_("Export impossible : la requête contient des valeurs invalides."), ""]
        + [f"- {error}" for error in errors]
        + ["", hint]
    )
    return HttpResponseBadRequest(text + "\n", content_type="text/plain; charset=utf-8")

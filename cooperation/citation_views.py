"""Citation files of the registry: one record (/cooperations/<slug>/citation.<fmt>) or the
list page's selection (/cooperations/citations.<fmt>?<the list page's query string>)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from .citations import FORMATS, citations_for, render_citations
from .export_views import CooperationExportView, bad_request, filter_errors, throttled
from .filters import CooperationFilterSet
from .models import Cooperation

CITED_FIELDS = ("slug", "title", "summary", "updated_at")


def citation_response(fmt: str, cooperations, request, filename: str) -> HttpResponse:
    """The citations of `cooperations` in `fmt`, as a file to save."""
    text = render_citations(fmt, citations_for(cooperations, request.build_absolute_uri("/")))
    citation_format = FORMATS[fmt]
    response = HttpResponse(text.encode(), content_type=citation_format.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{filename}.{citation_format.extension}"'
    )
    return response


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404(_("Format de citation inconnu : « %s ».") % fmt)


class CooperationCitationView(View):
    """One record's citation; a record the visitor may not see is a 404."""

    def get(self, request, slug, fmt):
        _check_format(fmt)
        visible = Cooperation.objects.visible_to(request.user).only(*CITED_FIELDS)
        cooperation = get_object_or_404(visible, slug=slug)
        return citation_response(fmt, [cooperation], request, cooperation.slug)


class SelectionCitationView(CooperationExportView):
    """The citations of every record of the list page's selection (same filters, order and
    scoping; `page` ignored), throttled like the other downloads."""

    def get(self, request, fmt):
        wait = self.throttle_wait(request)
        if wait is not None:
            return throttled(request, wait)
        _check_format(fmt)
        filterset = CooperationFilterSet(
            request.GET, queryset=Cooperation.objects.visible_to(request.user)
        )
        if not filterset.is_valid():
            hint = _("Corrigez les filtres sur la page des coopérations, puis réessayez.")
            return bad_request(filter_errors(filterset), hint=hint)
        cooperations = filterset.qs.with_stable_order().only(*CITED_FIELDS)
        return citation_response(fmt, cooperations.iterator(), request, "cooperations")

"""Downloads of /territoires/ and /metropoles/: /territoires/export/<fmt>/?<the list's query
string> and /metropoles/export/<fmt>/?<…>, the list's selection on every page."""

import tempfile

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings

from jobs.downloads import file_response
from portal.tabular import DELIMITERS
from portal.typography import labelled

from .exports import FORMATS, metropolis_table, territory_table, write_table
from .views import MetropolisListView, TerritoryListView


class ListExportMixin:
    """Turns a list view into its download: the same queryset, FilterSet and order, without
    pagination, written whole to a temporary file and sent with its length."""

    filename = ""

    def build_table(self, queryset, base_url):
        raise NotImplementedError

    def get(self, request, fmt):
        if fmt not in FORMATS:
            raise Http404(_("Format d’export inconnu : « %s ».") % fmt)
        if throttle_refuses(request, self):
            return HttpResponse(
                _("Trop de téléchargements : réessayez dans quelques minutes.") + "\n",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
        sep = request.GET.get("sep", "comma")
        if sep not in DELIMITERS:
            return bad_request([_("sep : comma ou semicolon.")])
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_valid():
            queryset = self.filterset.qs.with_stable_order()
        elif self.get_strict():
            return bad_request(
                [
                    labelled(name, message)
                    for name, messages in self.filterset.errors.items()
                    for message in messages
                ]
            )
        else:
            queryset = self.filterset.queryset.with_stable_order()
        table = self.build_table(queryset, request.build_absolute_uri("/"))
        output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response)
        try:
            write_table(output, fmt, table, delimiter=DELIMITERS[sep])
        except BaseException:
            output.close()
            raise
        output.seek(0)
        filename = self.filename + ("-point-virgule" if sep == "semicolon" else "")
        return file_response(
            output,
            filename=f"{filename}.{FORMATS[fmt].extension}",
            content_type=FORMATS[fmt].content_type,
        )


class TerritoryExportView(ListExportMixin, TerritoryListView):
    filename = "territoires"

    def build_table(self, queryset, base_url):
        return territory_table(queryset, base_url)


class MetropolisExportView(ListExportMixin, MetropolisListView):
    filename = "metropoles"

    def build_table(self, queryset, base_url):
        return metropolis_table(queryset, base_url)


def throttle_refuses(request, view) -> bool:
    """Whether a throttle of the API refuses this request: a download counts as an API
    request, as the registry's do, so that it is no way around the API's quota."""
    throttles = [cls() for cls in api_settings.DEFAULT_THROTTLE_CLASSES]
    return not all(throttle.allow_request(request, view) for throttle in throttles)


def bad_request(errors: list[str]) -> HttpResponseBadRequest:
    text = "\n".join(
        [_("Export impossible : la requête contient des valeurs invalides."), ""]
        + [f"- {error}" for error in errors]
    )
    return HttpResponseBadRequest(text + "\n", content_type="text/plain; charset=utf-8")

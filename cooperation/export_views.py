"""Downloads of the registry: /cooperations/export/<fmt>/?<the list page's query string>."""

from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views import View

from .exports import DELIMITERS, FORMATS, TABLES, export_response
from .filters import CooperationFilterSet
from .models import Cooperation


class CooperationExportView(View):
    """The records of the list page (same filters, same order, same scoping; `page` is
    ignored) as csv, zip, xlsx, ods or json. `sep=semicolon` for French Excel;
    `table=partnerships` for the CSV of partners."""

    def get(self, request, fmt):
        if fmt not in FORMATS:
            raise Http404(_("Format d’export inconnu : « %s ».") % fmt)
        filterset = CooperationFilterSet(
            request.GET, queryset=Cooperation.objects.visible_to(request.user), request=request
        )
        errors = [] if filterset.is_valid() else filter_errors(filterset)
        sep = request.GET.get("sep", "comma")
        if sep not in DELIMITERS:
            errors.append(_("Séparateur inconnu : « %s » (comma ou semicolon).") % sep)
        table = request.GET.get("table", "cooperations")
        if table not in TABLES:
            errors.append(_("Table inconnue : « %s » (cooperations ou partnerships).") % table)
        if errors:
            return bad_request(
                errors, hint=_("Corrigez les filtres sur la page des coopérations, puis réessayez.")
            )
        return export_response(
            filterset.qs,
            fmt=fmt,
            table=table,
            delimiter=DELIMITERS[sep],
            base_url=request.build_absolute_uri("/"),
        )


def filter_errors(filterset) -> list[str]:
    """The errors of an invalid FilterSet, one line each, named by the field's label."""
    form = filterset.form
    return [
        f"{form.fields[name].label if name in form.fields else name} : {message}"
        for name, messages in filterset.errors.items()
        for message in messages
    ]


def bad_request(errors: list[str], *, hint: str) -> HttpResponseBadRequest:
    """A plain-text 400 for a download link with invalid parameters: what is wrong, and
    `hint` to say where to correct it."""
    text = "\n".join(
        [_("Export impossible : la requête contient des valeurs invalides."), ""]
        + [f"- {error}" for error in errors]
        + ["", hint]
    )
    return HttpResponseBadRequest(text + "\n", content_type="text/plain; charset=utf-8")

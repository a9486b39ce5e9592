"""/statistiques/: the registry's figures, each as a chart, its data table, a sentence
saying what it counts, a CSV, and a link from every number to the /cooperations/ list it
counts. The filters are those of the shared CooperationFilterSet, read from the query
string, so that the page's address carries them and every link keeps them."""

import csv
import io

from django.http import Http404, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from territories.models import Territory, TerritoryKind

from ..contributed_filters import applied, carried, contributed_filters
from ..difficulties import STEMS, DifficultyType
from ..filters import CooperationFilterSet
from ..models import Cooperation, Instrument, Theme
from .cache import cached_statistics
from .charts import bar_chart, matrix_chart
from .published import published_figures

# The filters the page offers (any other filter of the list still applies if present).
PAGE_FILTERS = ("metropolis", "region", "theme", "instrument", "start_year_min", "start_year_max")


def without_empty_values(query: QueryDict) -> QueryDict:
    """The query string minus its empty values: the page's form sends every select box,
    "Toutes" as an empty value, which means no filter."""
    kept = QueryDict(mutable=True)
    for name in query:
        values = [value for value in query.getlist(name) if value != ""]
        if values:
            kept.setlist(name, values)
    return kept


def bound_filterset(request) -> CooperationFilterSet:
    return CooperationFilterSet(
        without_empty_values(request.GET),
        queryset=Cooperation.objects.visible_to(request.user),
        request=request,
    )


def _selected(form, name) -> list[str]:
    value = form[name].value()
    if value in (None, ""):
        return []
    return [str(item) for item in ([value] if isinstance(value, str) else value)]


def _select(form, name: str, options, empty_label=None) -> dict:
    selected = _selected(form, name)
    return {
        "name": name,
        "id": f"statistics-{name}",
        "label": form.fields[name].label,
        "empty_label": empty_label or _("Toutes"),
        "errors": form.errors.get(name, []),
        "options": [
            {"value": value, "label": label, "selected": value in selected}
            for value, label in options
        ],
    }


def filter_choices(form, user) -> list[dict]:
    """The page's select boxes: name, label and options (value, label, selected); then
    those of the filters other apps contribute that `user` is offered (see
    `cooperation.contributed_filters`)."""
    metropolises = Territory.objects.metropolises().order_by("search_name", "code")
    regions = Territory.objects.of_kind(TerritoryKind.REGION).order_by("search_name", "code")
    sources = (
        ("metropolis", [(t.code, t.name) for t in metropolises]),
        ("region", [(t.code, t.name) for t in regions]),
        ("theme", [(theme.code, theme.label) for theme in Theme.objects.all()]),
        ("instrument", [(value, str(label)) for value, label in Instrument.choices]),
    )
    selects = [_select(form, name, options) for name, options in sources]
    for contributed in contributed_filters():
        if options := contributed.options(user):
            selects.append(_select(form, contributed.name, options, contributed.empty_label))
    return selects


def selection_summaries(filterset, user) -> list[str]:
    """What the contributed filters in use restrict the counts to, one sentence each."""
    return [contributed.summary(value, user) for contributed, value in applied(filterset)]


def difficulty_stems() -> list[dict]:
    """The keyword rule of the difficulty table, as the page states it."""
    return [
        {"label": label, "stems": STEMS[kind]}
        for kind, label in DifficultyType.choices
        if kind in STEMS
    ]


class StatisticsView(TemplateView):
    template_name = "cooperation/statistics.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = bound_filterset(self.request)
        context["filter"] = filterset
        context["form"] = filterset.form
        context["selects"] = filter_choices(filterset.form, self.request.user)
        shown = {select["name"] for select in context["selects"]}
        context["carried_filters"] = carried(filterset.data, shown)
        context["csv_query"] = filterset.data.urlencode()
        if not filterset.is_valid():
            return context
        statistics = cached_statistics(filterset, self.request.user)
        tables = []
        for table in statistics["tables"]:
            table = dict(table)
            table["chart"] = bar_chart(f"chart-{table['name']}", table["title"], table["rows"])
            tables.append(table)
        cross_tables = []
        for table in statistics["cross_tables"]:
            table = dict(table)
            table["chart"] = matrix_chart(
                f"chart-{table['name']}", table["title"], table["columns"], table["rows"]
            )
            cross_tables.append(table)
        context["statistics"] = statistics
        context["cross_tables"] = cross_tables
        context["difficulty_stems"] = difficulty_stems()
        context["summaries"] = selection_summaries(filterset, self.request.user)
        context["tables"] = tables
        context["published"] = published_figures(statistics)
        return context


def _csv_rows(statistics: dict, name: str, absolute) -> list[list]:
    for table in statistics["tables"]:
        if table["name"] == name:
            header = [_("Libellé"), _("Code"), _("Coopérations"), _("Liste")]
            shares = any("share" in row for row in table["rows"])
            if shares:
                header.insert(3, _("Part (%)"))
            rows = [header]
            for row in table["rows"]:
                line = [row["label"], row["key"], row["count"]]
                if shares:
                    line.append(row["share"])
                rows.append([*line, absolute(row["list_url"])])
            return rows
    for table in statistics["cross_tables"]:
        if table["name"] == name:
            rows = [["", *(column["label"] for column in table["columns"])]]
            for row in table["rows"]:
                rows.append([row["label"], *(cell["count"] for cell in row["cells"])])
            return rows
    if name == "completeness":
        rows = [[_("Métropole"), _("SIREN"), _("Fiches"), _("Complétude moyenne (sur 100)")]]
        for row in statistics["completeness"]:
            rows.append([row["label"], row["key"], row["records"], row["score"]])
        return rows
    raise Http404


class StatisticsCSVView(View):
    """/statistiques/<table>.csv: one table of the page, with the page's filters."""

    def get(self, request, name):
        filterset = bound_filterset(request)
        if not filterset.is_valid():
            return HttpResponse(
                "\n".join(
                    f"{field}: {', '.join(errors)}" for field, errors in filterset.errors.items()
                ),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        statistics = cached_statistics(filterset, request.user)
        rows = _csv_rows(statistics, name, request.build_absolute_uri)
        buffer = io.StringIO()
        buffer.write("\ufeff")
        csv.writer(buffer, lineterminator="\r\n").writerows(rows)
        body = buffer.getvalue().encode("utf-8")
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statistiques-{name}.csv"'
        response["Content-Length"] = str(len(body))
        return response

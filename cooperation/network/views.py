"""/reseau/: the network of the territories in the current selection of records (the
same filters, the same FilterSet and the same visibility rule as /cooperations/), as a
sortable table, an SVG drawing and files."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from rest_framework.renderers import JSONRenderer

from portal.listing import paginated

from ..facets import facets_for
from ..filters import CooperationFilterSet
from ..models import Cooperation
from ..reciprocity import Reciprocity
from .caching import network_document, selection_cache_key
from .drawing import network_drawing
from .exports import FORMATS, network_file
from .geomap import contours_loaded, network_map
from .graph import network_build

# The filters offered on the page (any other filter of the FilterSet still applies when
# the URL carries it, so a selection made on /cooperations/ opens here unchanged).
NETWORK_FACETS = ("theme", "instrument", "metropolis", "partner_kind")

# (value of `sort`, attribute, label, first direction): the table's sortable columns.
SORT_COLUMNS = {
    "name": ("name", _("Territoire"), "name"),
    "cooperations": ("cooperations", _("Coopérations"), "-cooperations"),
    "degree": ("degree", _("Degré"), "-degree"),
    "weighted_degree": ("weighted_degree", _("Degré pondéré"), "-weighted_degree"),
    "betweenness": ("betweenness", _("Intermédiarité"), "-betweenness"),
    "metropolises": ("metropolis_count", _("Métropoles partenaires"), "-metropolises"),
    "component": ("component", _("Composante"), "component"),
}
DEFAULT_SORT = "-weighted_degree"
# Rows of the table per page: the whole network can hold thousands of territories.
TABLE_PAGE_SIZE = 100
EXPORT_LABELS = (
    ("gexf", _("GEXF (Gephi)")),
    ("graphml", _("GraphML")),
    ("json", _("JSON")),
)


# The two views of the network, chosen by `?vue=`: on the map of France (the default when
# contours are loaded) or as a graph laid out by forces.
VIEW_PARAMETER = "vue"
MAP_VIEW, GRAPH_VIEW = "carte", "graphe"
VIEW_LABELS = ((MAP_VIEW, _("Carte")), (GRAPH_VIEW, _("Graphe")))


def network_selection(request) -> CooperationFilterSet:
    """The shared FilterSet bound to the query string, over what the visitor may see."""
    return CooperationFilterSet(
        request.GET, queryset=Cooperation.objects.visible_to(request.user), request=request
    )


def sorted_territories(network, sort: str) -> tuple[list, str]:
    """The table's rows in the order `sort` asks for (name breaks ties), and the sort
    actually applied (the default when `sort` is unknown)."""
    key = sort.lstrip("-")
    if key not in SORT_COLUMNS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    attribute = SORT_COLUMNS[key][0]
    rows = sorted(network.territories.values(), key=lambda t: t.name)
    rows.sort(key=lambda t: getattr(t, attribute), reverse=sort.startswith("-"))
    return rows, sort


def sort_headers(current: str) -> list[dict]:
    headers = []
    for param, (_attribute, label, first) in SORT_COLUMNS.items():
        if current == param:
            state, following = "ascending", f"-{param}"
        elif current == f"-{param}":
            state, following = "descending", param
        else:
            state, following = "", first
        headers.append({"param": param, "label": label, "next": following, "aria_sort": state})
    return headers


# How the drawing draws an edge of each reciprocity (see static/css/network.css).
RECIPROCITY_LINES = {
    Reciprocity.BOTH: _("trait plein"),
    Reciprocity.ONE_SIDE: _("tirets"),
    Reciprocity.REGISTRY_ONLY: _("pointillés"),
}


def reciprocity_rows(network) -> list[dict]:
    """The legend and summary of the edges' reciprocity: value, label, line, count."""
    counts = network.reciprocity_counts
    return [
        {"value": value, "label": label, "line": RECIPROCITY_LINES[value], "count": counts[value]}
        for value, label in Reciprocity.choices
    ]


def network_views(request, network) -> dict:
    """The view of `network` that `?vue=` asks for — the map by default when contours are
    loaded — and the links between the views. Only the chosen view is computed; the map
    falls back to the graph when none of the drawn territories has a contour
    (`map_unavailable`), and without any contour the page shows the graph only."""
    loaded = contours_loaded()
    asked = request.GET.get(VIEW_PARAMETER)
    geomap = network_map(network) if loaded and asked != GRAPH_VIEW else None
    view = MAP_VIEW if geomap else GRAPH_VIEW
    map_unavailable = loaded and asked != GRAPH_VIEW and geomap is None
    links = []
    if loaded and not map_unavailable:
        query = request.GET.copy()
        for value, label in VIEW_LABELS:
            query[VIEW_PARAMETER] = value
            links.append(
                {
                    "value": value,
                    "label": label,
                    "url": f"?{query.urlencode()}#network-drawing-title",
                }
            )
    return {
        "view": view,
        "view_links": links,
        "contours_loaded": loaded,
        "map_unavailable": map_unavailable,
        "geomap": geomap,
        "drawing": network_drawing(network) if view == GRAPH_VIEW else None,
    }


class NetworkView(TemplateView):
    template_name = "cooperation/network.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = network_selection(self.request)
        facets = facets_for(filterset)
        errors = filterset.form.errors
        context["filter"] = filterset
        context["facets"] = [
            (facets[name], errors.get(name, [])) for name in NETWORK_FACETS if name in facets
        ]
        if filterset.is_valid():
            network = network_build(filterset.qs, cache_key=selection_cache_key(self.request))
            rows, sort = sorted_territories(network, self.request.GET.get("sort", DEFAULT_SORT))
            page = paginated(
                Paginator(rows, TABLE_PAGE_SIZE).get_page(self.request.GET.get("page"))
            )
            selection = self.request.GET.copy()
            selection.pop(VIEW_PARAMETER, None)
            query = selection.urlencode()
            context.update(network_views(self.request, network))
            context.update(
                network=network,
                rows=page.object_list,
                page_obj=page,
                sort_headers=sort_headers(sort),
                components=network.components,
                reciprocity_rows=reciprocity_rows(network),
                bridges=network.bridges,
                list_url=f"{reverse('cooperation:list')}?{query}" if query else "",
                export_links=[
                    {
                        "format": fmt,
                        "label": label,
                        "url": reverse("cooperation:network_export", kwargs={"fmt": fmt})
                        + (f"?{query}" if query else ""),
                    }
                    for fmt, label in EXPORT_LABELS
                ],
            )
        return context


class NetworkExportView(View):
    """/reseau/export/<gexf|graphml|json>/: the network of the current selection as a
    file; invalid filters are a 400 that names them."""

    def get(self, request, fmt: str):
        if fmt not in FORMATS:
            return HttpResponseNotFound(_("Format d’export inconnu."))
        filterset = network_selection(request)
        if not filterset.is_valid():
            lines = [
                f"{name} : {' '.join(messages)}" for name, messages in filterset.errors.items()
            ]
            return HttpResponseBadRequest(
                "\n".join([str(_("Filtres invalides :")), *lines]),
                content_type="text/plain; charset=utf-8",
            )
        content_type, extension = FORMATS[fmt]
        if fmt == "json":
            body = JSONRenderer().render(network_document(filterset.qs, request))
        else:
            network = network_build(filterset.qs, cache_key=selection_cache_key(request))
            body = network_file(network, fmt)
        response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="reseau-cooperations.{extension}"'
        return response

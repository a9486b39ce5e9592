"""Public pages of the registry: the searchable list with its facets, and one page per
record. Reads come from CooperationQuerySet methods, the shared CooperationFilterSet and
`facets.facets_for`; visibility from `Cooperation.objects.visible_to`."""

from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import DetailView

from portal.listing import FilteredListView, current_ordering, query_without
from portal.typography import labelled

from .citations import FORMATS as CITATION_FORMATS
from .contributed_filters import carried, contributed_filters
from .facets import facets_for
from .filters import CooperationFilterSet
from .maps import cooperation_maps
from .models import Cooperation

PAGE_SIZE = 20

# (value of `ordering`, label); the first is the default order.
SORT_OPTIONS = (
    ("-start", _("Date de début, la plus récente d’abord")),
    ("start", _("Date de début, la plus ancienne d’abord")),
    ("title", _("Titre, de A à Z")),
    ("-title", _("Titre, de Z à A")),
    ("-partners", _("Nombre de partenaires, du plus grand au plus petit")),
    ("partners", _("Nombre de partenaires, du plus petit au plus grand")),
    ("-updated", _("Dernière mise à jour, la plus récente d’abord")),
    ("updated", _("Dernière mise à jour, la plus ancienne d’abord")),
)

# (format, extra parameter, label, detail): each exports the current selection.
EXPORTS = (
    ("csv", "", _("CSV (virgule)"), _("Une ligne par coopération")),
    (
        "csv",
        "sep=semicolon",
        _("CSV (point-virgule, Excel français)"),
        _("S’ouvre directement dans Excel en français"),
    ),
    ("xlsx", "", _("Excel (XLSX)"), _("Classeur Microsoft Excel")),
    ("ods", "", _("LibreOffice (ODS)"), _("Classeur OpenDocument")),
    ("json", "", _("JSON"), _("Pour les traitements automatisés")),
    (
        "geojson",
        "",
        _("GeoJSON (carte)"),
        _("Une entité par partenaire, avec son contour, pour un logiciel de cartographie"),
    ),
    (
        "zip",
        "",
        _("CSV, deux tables (zip)"),
        _("Coopérations et partenaires, une ligne par partenaire"),
    ),
)

# The long texts of a record, in reading order: only those with content are shown.
TEXT_SECTIONS = ("description", "governance", "engineering", "funding", "outcomes", "difficulties")


class CooperationListView(FilteredListView):
    """/cooperations/: search, facets with counts, sorting, pagination and exports of the
    current selection — every choice is a query parameter, so the page is a shareable
    URL and works without JavaScript."""

    template_name = "cooperation/cooperation_list.html"
    filterset_class = CooperationFilterSet
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Cooperation.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facets = facets_for(self.filterset)
        query = self.request.GET
        errors = self.filterset.form.errors
        context["facets"] = [(facet, errors.get(facet.name, [])) for facet in facets.values()]
        context["active_filters"] = active_filters(self.filterset, facets, query)
        context["sort_options"] = SORT_OPTIONS
        context["current_ordering"] = current_ordering(self.filterset) or SORT_OPTIONS[0][0]
        context["default_ordering"] = SORT_OPTIONS[0][0]
        context["export_links"] = export_links(query)
        context["carried_filters"] = carried(query)
        context["citation_links"] = citation_links(query)
        # Each record's link carries the list's query, for its way back (`from`).
        context["from_query"] = f"?{urlencode({'from': query.urlencode()})}" if query else ""
        return context


class CooperationDetailView(DetailView):
    """/cooperations/<slug>/: everything about one record, and how to cite it. A record
    the visitor may not see is a 404, as an unknown one."""

    template_name = "cooperation/cooperation_detail.html"
    context_object_name = "cooperation"

    def get_queryset(self):
        return Cooperation.objects.visible_to(self.request.user).with_related()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cooperation = self.object
        context["sections"] = [
            {
                "id": name,
                "title": capfirst(Cooperation._meta.get_field(name).verbose_name),
                "text": getattr(cooperation, name),
            }
            for name in TEXT_SECTIONS
            if getattr(cooperation, name).strip()
        ]
        context["maps"] = cooperation_maps(cooperation)
        context["absolute_url"] = self.request.build_absolute_uri(cooperation.get_absolute_url())
        context["consulted_on"] = timezone.localdate()
        back_query = list_query_from(self.request.GET.get("from", ""))
        context["back_is_filtered"] = bool(back_query)
        context["back_url"] = reverse("cooperation:list") + (f"?{back_query}" if back_query else "")
        context["citation_links"] = [
            {
                "label": citation_format.label,
                "url": reverse(
                    "cooperation:citation", kwargs={"slug": cooperation.slug, "fmt": fmt}
                ),
            }
            for fmt, citation_format in CITATION_FORMATS.items()
        ]
        return context


def active_filters(filterset, facets: dict, query: QueryDict) -> list[dict]:
    """One removable tag per filter value in the query: its wording and the URL of the
    same list without it. Values the form rejected are listed too, so that a visitor can
    drop them."""
    form = filterset.form
    tags = []
    search = (form["q"].value() or "").strip()
    if search:
        tags.append(
            {
                "label": _("Recherche : « %(words)s »") % {"words": search},
                "url": query_without(query, "q"),
            }
        )
    for facet in facets.values():
        labels = facet.labels
        for value in query.getlist(facet.name):
            if value:
                tags.append(
                    {
                        "label": labelled(facet.label, labels.get(value, value)),
                        "url": query_without(query, facet.name, value),
                    }
                )
    for name, wording in (
        ("start_year_min", pgettext_lazy("année de début", "Début à partir de %(year)s")),
        ("start_year_max", pgettext_lazy("année de début", "Début jusqu’en %(year)s")),
    ):
        year = form[name].value()
        if year not in (None, ""):
            tags.append({"label": wording % {"year": year}, "url": query_without(query, name)})
    # The other filters the statistics' links use (yes/no, partner counts); the types of
    # difficulties are a facet, tagged above.
    for name in STATISTICS_FILTERS:
        value = form[name].value()
        if value in (None, ""):
            continue
        cleaned = getattr(form, "cleaned_data", {}).get(name)
        if isinstance(cleaned, bool):
            value = _("oui") if cleaned else _("non")
        label = f"{form.fields[name].label} : {value}"
        tags.append({"label": label, "url": query_without(query, name)})
    return tags + contributed_tags(filterset, query)


def contributed_tags(filterset, query: QueryDict) -> list[dict]:
    """The tags of the filters that other apps contribute, worded by them
    (`cooperation.contributed_filters`); a value the form rejected shows as given."""
    form = filterset.form
    user = getattr(filterset.request, "user", None)
    cleaned = getattr(form, "cleaned_data", {})
    tags = []
    for contributed in contributed_filters():
        given = form[contributed.name].value()
        if given in (None, ""):
            continue
        value = cleaned.get(contributed.name)
        if value in (None, ""):
            label = labelled(form.fields[contributed.name].label, given)
        else:
            label = contributed.tag(value, user)
        tags.append({"label": label, "url": query_without(query, contributed.name)})
    return tags


STATISTICS_FILTERS = (
    "has_start_date",
    "has_engineering",
    "has_funding",
    "has_difficulties",
    "partners_min",
    "partners_max",
)


def export_links(query: QueryDict) -> list[dict]:
    """A link per export format, carrying the current query string (minus `page`): the
    export holds exactly the records of the list, on every page."""
    kept = query.copy()
    kept.pop("page", None)
    encoded = kept.urlencode()
    links = []
    for fmt, extra, label, detail in EXPORTS:
        parameters = "&".join(part for part in (encoded, extra) if part)
        url = reverse("cooperation:export", kwargs={"fmt": fmt})
        links.append(
            {
                "format": fmt,
                "label": label,
                "detail": detail,
                "url": f"{url}?{parameters}" if parameters else url,
            }
        )
    return links


def citation_links(query: QueryDict) -> list[dict]:
    """A link per citation format for the records of the list (minus `page`: every page)."""
    kept = query.copy()
    kept.pop("page", None)
    encoded = kept.urlencode()
    links = []
    for fmt, citation_format in CITATION_FORMATS.items():
        url = reverse("cooperation:citations", kwargs={"fmt": fmt})
        links.append(
            {
                "format": fmt,
                "label": citation_format.label,
                "url": f"{url}?{encoded}" if encoded else url,
            }
        )
    return links


def list_parameters() -> tuple[str, ...]:
    """What `from` may carry back to the list: its filters (those other apps contribute
    included) and its page, nothing else."""
    return (*CooperationFilterSet.base_filters, "page")


def list_query_from(value: str) -> str:
    """The list's query string that a record page received in `from` (the list it was
    opened from), re-encoded and limited to the list's own parameters: the way back is
    always a page of /cooperations/, never an address someone else chose."""
    received = QueryDict(value[:2000])
    kept = QueryDict(mutable=True)
    for name in list_parameters():
        if values := [item for item in received.getlist(name) if item]:
            kept.setlist(name, values)
    return kept.urlencode()

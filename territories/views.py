"""Public pages of the reference geography: the métropoles, the territory list and
one page per territory. Reads come from TerritoryQuerySet methods and the FilterSets."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from portal.listing import FilteredListView, current_ordering, paginated, sort_columns

from .columns import metropolis_columns
from .exports import export_links
from .filters import MemberCommuneFilterSet, MetropolisFilterSet, TerritoryFilterSet
from .models import Territory, TerritoryGeometry, TerritoryKind
from .territory_maps import metropolises_map, neighbours_of, situation_map

PAGE_SIZE = 50

# Kinds whose page lists what they contain.
CONTAINER_KINDS = (
    TerritoryKind.REGION,
    TerritoryKind.DEPARTMENT,
    TerritoryKind.EPCI,
    TerritoryKind.EPT,
    TerritoryKind.GROUPING,
)

KIND_PLURAL_LABELS = {
    TerritoryKind.REGION: _("Régions"),
    TerritoryKind.DEPARTMENT: _("Départements"),
    TerritoryKind.COMMUNE: _("Communes"),
    TerritoryKind.EPCI: _("EPCI à fiscalité propre"),
    TerritoryKind.EPT: _("Établissements publics territoriaux"),
    TerritoryKind.GROUPING: _("Groupements"),
    TerritoryKind.FOREIGN: _("Collectivités étrangères"),
}


class MetropolisListView(FilteredListView):
    """Every current métropole, plus the columns other apps register (their figures are
    annotations of the same query; see `territories.columns`)."""

    template_name = "territories/metropolis_list.html"
    filterset_class = MetropolisFilterSet
    paginate_by = None
    strict = False  # only a sort order: a mistyped one falls back to the default

    def get_queryset(self):
        queryset = (
            Territory.objects.metropolises().current().with_commune_count().with_departments()
        )
        for column in metropolis_columns():
            queryset = column.annotate(queryset, self.request.user)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        extra = metropolis_columns()
        ordering = current_ordering(self.filterset) or "name"
        columns = sort_columns(
            ordering,
            {
                "name": "name",
                "population": "-population",
                "communes": "-communes",
                **{column.param: f"-{column.param}" for column in extra},
            },
        )
        context["columns"] = columns
        context["extra_columns"] = [
            {
                "label": column.label,
                "description": column.description,
                "sort": columns[column.param],
            }
            for column in extra
        ]
        for metropolis in context["object_list"]:
            metropolis.extra_values = [getattr(metropolis, column.field) for column in extra]
        context["map"] = metropolises_map(context["object_list"])
        context["export_links"] = export_links("territories:metropolis_export", self.request.GET)
        return context


class TerritoryListView(FilteredListView):
    template_name = "territories/territory_list.html"
    filterset_class = TerritoryFilterSet
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Territory.objects.with_departments()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        present_territory_filters(filterset.form)
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_links"] = export_links("territories:export", self.request.GET)
        return context


def present_territory_filters(form) -> None:
    """Word the shared FilterSet's form for people rather than API clients: the filters
    themselves are unchanged, only labels, empty choices and hints."""
    fields = form.fields
    for name, empty_label in (
        ("kind", _("Tous les types")),
        ("category", _("Toutes les catégories")),
        ("ordering", _("Pertinence, puis nom")),
    ):
        # django-filter's widget choices still point at the class-level field, so setting
        # `empty_label` on this form's copy would not show: relabel the widget's choices.
        choices = [choice for choice in fields[name].choices if choice[0] != ""]
        fields[name].widget.choices = [("", empty_label), *choices]
    fields["department"].empty_label = _("Tous les départements")
    fields["region"].empty_label = _("Toutes les régions")
    for name in ("department", "region"):
        fields[name].label_from_instance = lambda territory: (
            f"{territory.code} \N{EN DASH} {territory.name}"
        )
    fields["is_metropolis"].label = _("Métropoles")
    # The default choice, left out of the address by static/js/clean-query.js.
    fields["is_metropolis"].widget.attrs["data-default"] = "unknown"
    fields["is_metropolis"].widget.choices = [
        ("unknown", _("Tous les territoires")),
        ("true", _("Métropoles seulement")),
        ("false", _("Tout sauf les métropoles")),
    ]
    # The API-oriented hints ("true : …", "préfixe « - »") mean nothing next to a select.
    for name in ("kind", "category", "department", "region", "is_metropolis", "ordering"):
        fields[name].help_text = ""


class TerritoryDetailView(DetailView):
    template_name = "territories/territory_detail.html"
    context_object_name = "territory"

    def get_object(self, queryset=None):
        if self.kwargs["kind"] not in TerritoryKind.values:
            raise Http404
        # With its contour's row in the same query. (Deferring its outlines through the
        # reverse relation measured ~50 ms of ORM work: more than reading them.)
        territories = Territory.objects.select_related("geometry")
        return get_object_or_404(territories, kind=self.kwargs["kind"], code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        territory = self.object
        context["containers"] = Territory.objects.containing(territory).ordered_by_level()
        context["geometry"] = territory.geometry_or_none
        context["neighbours"] = neighbours_of(territory) if context["geometry"] else []
        # A métropole's page shows the registry's map instead (partners, members, neighbours).
        if not territory.is_metropolis:
            context["situation_map"] = situation_map(territory, context["neighbours"])
        if context["geometry"] is None:
            context["contours_loaded"] = TerritoryGeometry.objects.exists()
        if territory.kind in CONTAINER_KINDS:
            contents = Territory.objects.contained_in(territory).current()
            context["content_counts"] = [
                {**row, "label": KIND_PLURAL_LABELS.get(row["kind"], row["kind"])}
                for row in contents.kind_counts()
            ]
            communes = contents.of_kind(TerritoryKind.COMMUNE)
            sorting = MemberCommuneFilterSet(self.request.GET, queryset=communes)
            if sorting.is_valid():
                communes = sorting.qs
            paginator = Paginator(communes.with_stable_order(), PAGE_SIZE)
            context["communes_page"] = paginated(paginator.get_page(self.request.GET.get("page")))
            context["columns"] = sort_columns(
                current_ordering(sorting) or "name",
                {"name": "name", "population": "-population"},
            )
        return context

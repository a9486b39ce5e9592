"""Public pages of the reference geography: the métropoles, the territory list and
one page per territory. Reads come from TerritoryQuerySet methods and the FilterSets."""

from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from django_filters.views import FilterMixin

from .filters import MemberCommuneFilterSet, MetropolisFilterSet, TerritoryFilterSet
from .models import Territory, TerritoryKind

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


def pagination_items(page: Page) -> list:
    """Page numbers to show around the current page, with "…" for the gaps:
    [1, 2, "…", 17, 18, 19, "…", 41, 42]."""
    last = page.paginator.num_pages
    numbers = sorted(
        {1, 2, page.number - 1, page.number, page.number + 1, last - 1, last}
        & set(range(1, last + 1))
    )
    items: list = []
    for number in numbers:
        if items and number - items[-1] == 2:
            items.append(number - 1)
        elif items and number - items[-1] > 2:
            items.append("…")
        items.append(number)
    return items


def paginated(page: Page) -> Page:
    # django-dsfr's pagination template reads `pages_list`.
    page.pages_list = pagination_items(page)
    return page


def sort_columns(current: str, columns: dict[str, str]) -> dict[str, dict]:
    """For each sortable column (param → its first direction, "name" or "-population"),
    the `ordering` value its header links to and its `aria-sort` state."""
    result = {}
    for param, first in columns.items():
        if current == param:
            result[param] = {"next": f"-{param}", "aria_sort": "ascending"}
        elif current == f"-{param}":
            result[param] = {"next": param, "aria_sort": "descending"}
        else:
            result[param] = {"next": first, "aria_sort": ""}
    return result


def current_ordering(filterset) -> str:
    if not filterset.is_valid():
        return ""
    ordering = filterset.form.cleaned_data.get("ordering") or []
    return ordering[0] if ordering else ""


class FilteredListView(FilterMixin, ListView):
    """A list page driven by a FilterSet bound to the query string. An invalid filter
    value shows the form errors and no rows, with a 200; with `strict = False` it is
    ignored instead."""

    paginate_by = PAGE_SIZE

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, even without a query string, as the API binds it: the shared
        # FilterSet reads `cleaned_data`.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_valid():
            self.object_list = self.filterset.qs.with_stable_order()
        elif self.get_strict():
            self.object_list = self.filterset.queryset.none()
        else:
            self.object_list = self.filterset.queryset.with_stable_order()
        return self.render_to_response(self.get_context_data(filter=self.filterset))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("page_obj") is not None:
            paginated(context["page_obj"])
        return context


class MetropolisListView(FilteredListView):
    template_name = "territories/metropolis_list.html"
    filterset_class = MetropolisFilterSet
    paginate_by = None
    strict = False  # only a sort order: a mistyped one falls back to the default

    def get_queryset(self):
        return Territory.objects.metropolises().current().with_commune_count().with_departments()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ordering = current_ordering(self.filterset) or "name"
        context["columns"] = sort_columns(
            ordering, {"name": "name", "population": "-population", "communes": "-communes"}
        )
        return context


class TerritoryListView(FilteredListView):
    template_name = "territories/territory_list.html"
    filterset_class = TerritoryFilterSet

    def get_queryset(self):
        return Territory.objects.with_departments()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        present_territory_filters(filterset.form)
        return filterset


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
        return get_object_or_404(Territory, kind=self.kwargs["kind"], code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        territory = self.object
        context["containers"] = Territory.objects.containing(territory).ordered_by_level()
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

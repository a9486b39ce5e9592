"""Building blocks of the public list pages, shared by every app that shows a list
(the geography's pages and those of the apps built on it)."""

from django.core.paginator import Page
from django.http import HttpResponseRedirect, QueryDict
from django.views.generic import ListView
from django_filters.views import FilterMixin


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


def query_without(query: QueryDict, name: str, value: str | None = None) -> str:
    """The query string (with its "?") minus one value of `name` — or all of them when
    `value` is None — and minus `page`, since the list it leads to is a different one."""
    query = query.copy()
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [kept for kept in query.getlist(name) if kept != value])
    query.pop("page", None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def shareable_query(query: QueryDict) -> str | None:
    """The query string without its empty parameters (a form sends every field, filled in
    or not: `?q=&kind=&department=29`), with its "?" — or None when none is empty. The
    list pages redirect to it, so that the address a visitor shares names only the filters
    in use. An empty string when nothing is left."""
    if all(value != "" for _name, values in query.lists() for value in values):
        return None
    kept = QueryDict(mutable=True)
    for name, values in query.lists():
        if kept_values := [value for value in values if value != ""]:
            kept.setlist(name, kept_values)
    encoded = kept.urlencode()
    return f"?{encoded}" if encoded else ""


class FilteredListView(FilterMixin, ListView):
    """A list page driven by a FilterSet bound to the query string. An invalid filter
    value shows the form errors and no rows, with a 200; with `strict = False` it is
    ignored instead. The queryset must have a `with_stable_order()` method."""

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, even without a query string, as the API binds it: the shared
        # FilterSets read `cleaned_data`.
        return {**super().get_filterset_kwargs(filterset_class), "data": self.request.GET}

    def get(self, request, *args, **kwargs):
        shared = shareable_query(request.GET)
        if shared is not None:
            return HttpResponseRedirect(f"{request.path}{shared}")
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

"""Building blocks for list endpoints that build their JSON in plain Python.

A serializer walks its fields for every row: `get_attribute`, callable checks, a
`get_FOO_display()` that makes the lazy choices hashable on every call, one `reverse()` per
URL. For a page of 50 records with their partners that is most of the request. A list can
instead read its page as tuples and build each item with the pieces below, which give
byte for byte what the serializer's fields give (each list has a test that compares the
two); the serializer stays the OpenAPI schema and the detail's representation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import quote

from django.urls import reverse as django_reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import get_language
from rest_framework.fields import DateTimeField
from rest_framework.reverse import reverse as api_reverse

# What Django's reverse() leaves unquoted in a URL argument.
SAFE = RFC3986_SUBDELIMS + "/~:@"
PLACEHOLDER = "0value0"
UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*")  # what quote() leaves as it is


class PageRows:
    """What a paginator is given: the count of the filtered queryset as it is (without the
    joins of the page's columns), and the page as tuples of `columns`."""

    def __init__(self, queryset, columns: Iterable[str]):
        self.queryset, self.columns = queryset, tuple(columns)

    @property
    def ordered(self) -> bool:
        return self.queryset.ordered

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return list(self.queryset.values_list(*self.columns)[index])


def blank_as_null(value):
    """`BlankAsNull…Field`s and null fields: "" and None read as null."""
    return None if value == "" else value


class ChoiceLabels:
    """The labels of a set of choices in the active language, as `get_FOO_display()`
    gives them (the value itself when it is not a choice), in a table built once per
    language."""

    def __init__(self, choices: Iterable[tuple[str, object]]):
        self._choices = list(choices)
        self._tables: dict[str, dict[str, str]] = {}

    def table(self) -> dict[str, str]:
        language = get_language() or ""
        table = self._tables.get(language)
        if table is None:
            table = self._tables[language] = {key: str(label) for key, label in self._choices}
        return table


class URLs:
    """Absolute URLs of one route for many rows: the route is reversed once per request
    (and per value of the `fixed` arguments, e.g. a territory's kind) with a placeholder
    for the `varying` argument, which is then quoted and put in its place as `reverse()`
    would. `api=True`: as a hyperlinked field of the API gives it (with the request's
    format suffix); otherwise a page of the portal, made absolute like `AbsoluteURLField`.
    """

    def __init__(self, view_name: str, varying: str, request, *, api: bool, format=None):
        self.view_name, self.varying = view_name, varying
        self.request, self.api, self.format = request, api, format
        self._templates: dict[tuple, tuple[str, str]] = {}

    def _template(self, fixed: dict) -> tuple[str, str]:
        kwargs = {**fixed, self.varying: PLACEHOLDER}
        if self.api:
            url = api_reverse(
                self.view_name, kwargs=kwargs, request=self.request, format=self.format
            )
        else:
            url = self.request.build_absolute_uri(django_reverse(self.view_name, kwargs=kwargs))
        prefix, found, suffix = url.partition(PLACEHOLDER)
        if not found:
            raise ValueError(f"{self.view_name}: no place for {self.varying!r} in {url}")
        return prefix, suffix

    def __call__(self, value: str, **fixed) -> str:
        key = tuple(fixed.items())
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = self._template(fixed)
        if not UNQUOTED.fullmatch(value):
            value = quote(value, safe=SAFE)
        return f"{template[0]}{value}{template[1]}"


def datetime_representation() -> Callable:
    """The API's representation of a date and time (ISO 8601 in the current time zone)."""
    return DateTimeField().to_representation

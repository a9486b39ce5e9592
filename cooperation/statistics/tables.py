"""The statistics tables, computed with aggregate queries over the selection of the shared
`CooperationFilterSet`.

Every number counts records (cooperations), never partnerships, and comes with the
address of the /cooperations/ list that shows exactly those records: the list's filters
express each row (`theme=…`, `relation=…`, `partners_min=…`…). A table about one
criterion ignores the page's own filter on that criterion, as the facets of the list do
(the theme table shows every theme, not only the ticked one), and its links replace that
filter; the other filters of the page are kept, in the counts and in the links.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territories.models import METROPOLIS_CATEGORIES, TerritoryCategory, TerritoryKind

from ..completeness import average_by_reference_metropolis
from ..difficulties import DifficultyType, difficulty_condition
from ..filters import CooperationFilterSet, DistanceBand, distance_condition
from ..models import Cooperation, CooperationStatus, Instrument, PartnerRelation, Partnership, Theme
from ..reciprocity import Reciprocity, reciprocity_counts
from .specs import CROSS_TABLES, PARTNER_BANDS, TABLES, TEXT_SHARES, TableSpec

PARTNER_COUNT_FILTERS = {"partners_min", "partners_max"}
# How many declared difficulties the page quotes, and from how many characters a text is
# shortened.
DECLARED_DIFFICULTIES = 20
EXCERPT_CHARS = 300
# Query parameters that never select records.
NOT_FILTERS = ("ordering", "page", "format", "sep", "table")


def filter_query(query: QueryDict) -> QueryDict:
    """The query string's parameters that select records, in a stable order (for links
    and cache keys); empty values dropped."""
    kept = QueryDict(mutable=True)
    for name in sorted(query.keys()):
        if name in NOT_FILTERS or name not in CooperationFilterSet.base_filters:
            continue
        values = sorted(value for value in query.getlist(name) if value != "")
        if values:
            kept.setlist(name, values)
    return kept


def shortened(text: str, limit: int = EXCERPT_CHARS) -> dict:
    """{text, shortened}: `text`, cut at the last word boundary before `limit` characters
    (with "…") when longer."""
    text = text.strip()
    if len(text) <= limit:
        return {"text": text, "shortened": False}
    cut = text[:limit].rsplit(maxsplit=1)[0]
    return {"text": cut.rstrip(" ,;:.") + "…", "shortened": True}


class Statistics:
    """All tables for one bound, valid FilterSet (see `compute`)."""

    def __init__(self, filterset: CooperationFilterSet, base: QuerySet | None = None):
        self.filterset = filterset
        # The records before any filter; the FilterSet's own queryset carries the partner
        # count annotation (a join and a GROUP BY in every subquery), needed only when the
        # partner-count filters apply.
        self.base = base if base is not None else filterset.queryset
        self.query = filter_query(filterset.data)
        self.list_url = reverse("cooperation:list")

    # -- selection and links ---------------------------------------------------------

    def selection(self, drop: Iterable[str] = ()) -> QuerySet:
        """Primary keys of the records matching every filter of the page but `drop`."""
        filterset = self.filterset
        applied = {
            name: value
            for name, value in filterset.form.cleaned_data.items()
            if name not in drop and name != "ordering" and value not in (None, "", [], ())
        }
        queryset = self.base.all().prefetch_related(None)
        if PARTNER_COUNT_FILTERS & set(applied):
            queryset = queryset.with_partner_count()
        for name, value in applied.items():
            queryset = filterset.filters[name].filter(queryset, value)
        return queryset.order_by().values("pk")

    def link(self, drop: Iterable[str] = (), **params) -> str:
        """The list's address: the page's filters minus `drop`, with `params` set."""
        query = self.query.copy()
        for name in (*drop, *params):
            query.pop(name, None)
        for name, value in params.items():
            query.setlist(name, value if isinstance(value, list | tuple) else [str(value)])
        encoded = query.urlencode()
        return f"{self.list_url}?{encoded}" if encoded else self.list_url

    def row(self, spec: TableSpec, key, label, count: int, **params) -> dict:
        return {
            "key": str(key),
            "label": str(label),
            "count": count,
            "list_url": self.link(spec.drop, **params),
        }

    # -- tables ---------------------------------------------------------------------

    def total(self) -> dict:
        count = Cooperation.objects.filter(pk__in=self.selection()).count()
        return {"count": count, "list_url": self.link()}

    def metropolis(self, spec: TableSpec) -> list[dict]:
        rows = (
            Partnership.objects.filter(
                cooperation__in=self.selection(spec.drop),
                territory__kind=TerritoryKind.EPCI,
                territory__category__in=METROPOLIS_CATEGORIES,
            )
            .order_by()
            .values("territory__code", "territory__name")
            .annotate(count=Count("cooperation", distinct=True))
        )
        rows = sorted(rows, key=lambda r: (-r["count"], r["territory__name"], r["territory__code"]))
        return [
            self.row(
                spec,
                r["territory__code"],
                r["territory__name"],
                r["count"],
                metropolis=r["territory__code"],
            )
            for r in rows
        ]

    def theme(self, spec: TableSpec) -> list[dict]:
        # Meta.ordering does not apply to aggregate queries: ordered explicitly.
        themes = Theme.objects.with_cooperation_count(
            Cooperation.objects.filter(pk__in=self.selection(spec.drop))
        ).order_by("position", "code")
        return [
            self.row(spec, theme.code, theme.label, theme.cooperation_count, theme=theme.code)
            for theme in themes
        ]

    def _record_field(self, spec: TableSpec, field: str, choices) -> list[dict]:
        counts = dict(
            Cooperation.objects.filter(pk__in=self.selection(spec.drop))
            .order_by()
            .values_list(field)
            .annotate(count=Count("pk"))
        )
        return [
            self.row(spec, value, label, counts.get(value, 0), **{spec.name: value})
            for value, label in choices
        ]

    def instrument(self, spec: TableSpec) -> list[dict]:
        return self._record_field(spec, "instrument", Instrument.choices)

    def status(self, spec: TableSpec) -> list[dict]:
        return self._record_field(spec, "status", CooperationStatus.choices)

    def _partner_field(self, spec: TableSpec, field: str, choices) -> list[dict]:
        counts = dict(
            Partnership.objects.filter(cooperation__in=self.selection(spec.drop))
            .order_by()
            .values_list(field)
            .annotate(count=Count("cooperation", distinct=True))
        )
        return [
            self.row(spec, value, label, counts.get(value, 0), **{spec.name: value})
            for value, label in choices
        ]

    def partner_kind(self, spec: TableSpec) -> list[dict]:
        return self._partner_field(spec, "territory__kind", TerritoryKind.choices)

    def partner_category(self, spec: TableSpec) -> list[dict]:
        return self._partner_field(spec, "territory__category", TerritoryCategory.choices)

    def relation(self, spec: TableSpec) -> list[dict]:
        return self._partner_field(spec, "relation", PartnerRelation.choices)

    def distance(self, spec: TableSpec) -> list[dict]:
        counts = Partnership.objects.filter(cooperation__in=self.selection(spec.drop)).aggregate(
            **{
                band: Count("cooperation", filter=distance_condition(band), distinct=True)
                for band in DistanceBand.values
            }
        )
        return [
            self.row(spec, band, label, counts[band], distance=band)
            for band, label in DistanceBand.choices
        ]

    def start_year(self, spec: TableSpec) -> list[dict]:
        counts = dict(
            Cooperation.objects.filter(pk__in=self.selection(spec.drop))
            .order_by()
            .annotate(year=ExtractYear("start_date"))
            .values_list("year")
            .annotate(count=Count("pk"))
        )
        undated = counts.pop(None, 0)
        rows = [
            self.row(spec, year, year, counts[year], start_year_min=year, start_year_max=year)
            for year in sorted(counts)
        ]
        rows.append(self.row(spec, "unknown", _("Début inconnu"), undated, has_start_date="false"))
        return rows

    def content(self, spec: TableSpec) -> list[dict]:
        counts = Cooperation.objects.filter(pk__in=self.selection(spec.drop)).aggregate(
            total=Count("pk"),
            **{field: Count("pk", filter=~Q(**{field: ""})) for field, _label in TEXT_SHARES},
        )
        total = counts["total"]
        rows = []
        for field, label in TEXT_SHARES:
            row = self.row(spec, field, label, counts[field], **{f"has_{field}": "true"})
            row["share"] = round(100 * counts[field] / total) if total else 0
            rows.append(row)
        return rows

    def difficulty(self, spec: TableSpec) -> list[dict]:
        counts = Cooperation.objects.filter(pk__in=self.selection(spec.drop)).aggregate(
            **{
                kind: Count("pk", filter=difficulty_condition(kind))
                for kind in DifficultyType.values
            }
        )
        return [
            self.row(spec, kind, label, counts[kind], difficulty=kind)
            for kind, label in DifficultyType.choices
        ]

    def declared_difficulties(self) -> dict:
        """The records of the selection that declare difficulties, the latest updated
        first, at most DECLARED_DIFFICULTIES of them (one query), with their text
        shortened, and the list of all of them."""
        drop = ("has_difficulties",)
        records = (
            Cooperation.objects.filter(pk__in=self.selection(drop))
            .exclude(difficulties="")
            .order_by("-updated_at", "-pk")
            .values_list("title", "slug", "difficulties")[:DECLARED_DIFFICULTIES]
        )
        return {
            "list_url": self.link(drop, has_difficulties="true", ordering="-updated"),
            "records": [
                {
                    "title": title,
                    "url": reverse("cooperation:detail", kwargs={"slug": slug}),
                    **shortened(text),
                }
                for title, slug, text in records
            ],
        }

    def partners(self, spec: TableSpec) -> list[dict]:
        selection = self.selection(spec.drop)
        # One row per record with partners (its count); records without any make up the
        # difference with the total.
        per_record = Counter(
            Partnership.objects.filter(cooperation__in=selection)
            .order_by()
            .values("cooperation")
            .annotate(count=Count("pk"))
            .values_list("count", flat=True)
        )
        per_record[0] = Cooperation.objects.filter(pk__in=selection).count() - sum(
            per_record.values()
        )
        rows = []
        for low, high, label in PARTNER_BANDS:
            count = sum(
                records
                for partners, records in per_record.items()
                if (low is None or partners >= low) and (high is None or partners <= high)
            )
            params = {}
            if low is not None:
                params["partners_min"] = low
            if high is not None:
                params["partners_max"] = high
            key = f"{low or 0}-{high or ''}"
            rows.append(self.row(spec, key, label, count, **params))
        return rows

    # -- cross tables ---------------------------------------------------------------

    def theme_relation(self, spec: TableSpec) -> dict:
        counts = defaultdict(int)
        for code, relation, count in (
            Partnership.objects.filter(cooperation__in=self.selection(spec.drop))
            .order_by()
            .values_list("cooperation__themes__code", "relation")
            .annotate(count=Count("cooperation", distinct=True))
        ):
            counts[(code, relation)] = count
        columns = [{"key": value, "label": str(label)} for value, label in PartnerRelation.choices]
        rows = []
        for theme in Theme.objects.all():
            cells = [
                {
                    "key": column["key"],
                    "count": counts[(theme.code, column["key"])],
                    "list_url": self.link(spec.drop, theme=theme.code, relation=column["key"]),
                }
                for column in columns
            ]
            rows.append({"key": theme.code, "label": theme.label, "cells": cells})
        return {"columns": columns, "rows": rows}

    def instrument_metropolis(self, spec: TableSpec) -> dict:
        counts = defaultdict(int)
        names = {}
        for code, name, instrument, count in (
            Partnership.objects.filter(
                cooperation__in=self.selection(spec.drop),
                territory__kind=TerritoryKind.EPCI,
                territory__category__in=METROPOLIS_CATEGORIES,
            )
            .order_by()
            .values_list("territory__code", "territory__name", "cooperation__instrument")
            .annotate(count=Count("cooperation", distinct=True))
        ):
            counts[(code, instrument)] = count
            names[code] = name
        used = {instrument for _code, instrument in counts}
        columns = [
            {"key": value, "label": str(label)}
            for value, label in Instrument.choices
            if value in used
        ]
        rows = []
        for code in sorted(names, key=lambda c: (names[c], c)):
            cells = [
                {
                    "key": column["key"],
                    "count": counts[(code, column["key"])],
                    "list_url": self.link(spec.drop, instrument=column["key"], metropolis=code),
                }
                for column in columns
            ]
            rows.append({"key": code, "label": names[code], "cells": cells})
        return {"columns": columns, "rows": rows}

    # -- reciprocity ------------------------------------------------------------------

    def reciprocity(self) -> list[dict]:
        """Partnerships (not records) by reciprocity: no list filter expresses them."""
        counts = reciprocity_counts(Cooperation.objects.filter(pk__in=self.selection()))
        return [
            {"key": value, "label": str(label), "count": counts[value]}
            for value, label in Reciprocity.choices
        ]

    # -- completeness -----------------------------------------------------------------

    def completeness(self) -> list[dict]:
        return average_by_reference_metropolis(Cooperation.objects.filter(pk__in=self.selection()))


def compute(filterset: CooperationFilterSet, base: QuerySet | None = None) -> dict:
    """Every table for a bound and valid FilterSet, as plain data (JSON-ready); `base`: the
    records the requester may see, before any filter (default: the FilterSet's queryset)."""
    statistics = Statistics(filterset, base)
    tables = []
    for spec in TABLES:
        tables.append(
            {
                "name": spec.name,
                "title": str(spec.title),
                "counted": str(spec.counted),
                "rows": getattr(statistics, spec.name)(spec),
            }
        )
    cross_tables = []
    for spec in CROSS_TABLES:
        cross_tables.append(
            {
                "name": spec.name,
                "title": str(spec.title),
                "counted": str(spec.counted),
                **getattr(statistics, spec.name)(spec),
            }
        )
    return {
        "filters": {name: statistics.query.getlist(name) for name in statistics.query},
        "total": statistics.total(),
        "tables": tables,
        "cross_tables": cross_tables,
        "completeness": statistics.completeness(),
        "reciprocity": statistics.reciprocity(),
        "declared_difficulties": statistics.declared_difficulties(),
    }

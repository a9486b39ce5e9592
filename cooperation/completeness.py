"""How complete a record is: which editable fields are filled, how many sources back it,
how precisely its start is dated — one score out of 100.

The same score is computed two ways that must agree: `record_completeness` in Python for
one record already in memory, and `completeness_score` as a database expression, so that
averages per métropole (the /metropoles/ table, the statistics page) are one aggregate
query whatever the number of records.
"""

from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Least, Round
from django.utils.translation import gettext_lazy as _

from .dates import DatePrecision
from .models import Cooperation, Source

# Editable texts of a record: one point each when not empty.
TEXT_FIELDS = (
    "summary",
    "description",
    "governance",
    "engineering",
    "funding",
    "outcomes",
    "difficulties",
)
SOURCES_COUNTED = 2  # one point per source, up to this many
START_POINTS = {DatePrecision.YEAR: 1, DatePrecision.MONTH: 2, DatePrecision.DAY: 2}
MAX_POINTS = len(TEXT_FIELDS) + 1 + SOURCES_COUNTED + max(START_POINTS.values())


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    points: int
    out_of: int


@dataclass(frozen=True)
class Completeness:
    checks: list[Check]

    @property
    def points(self) -> int:
        return sum(check.points for check in self.checks)

    @property
    def score(self) -> int:
        """Out of 100, rounded to the nearest integer."""
        return round(100 * self.points / MAX_POINTS)

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if check.points < check.out_of]


def record_completeness(cooperation: Cooperation) -> Completeness:
    """The checks of one record (reads its themes and sources: prefetch them for a list)."""
    checks = [
        Check(
            name,
            str(Cooperation._meta.get_field(name).verbose_name),
            int(bool(getattr(cooperation, name))),
            1,
        )
        for name in TEXT_FIELDS
    ]
    checks.append(Check("themes", str(_("thèmes")), int(bool(cooperation.themes.all())), 1))
    checks.append(
        Check(
            "sources",
            str(_("sources")),
            min(len(cooperation.sources.all()), SOURCES_COUNTED),
            SOURCES_COUNTED,
        )
    )
    checks.append(
        Check(
            "start",
            str(_("précision de la date de début")),
            START_POINTS.get(cooperation.start_precision, 0),
            max(START_POINTS.values()),
        )
    )
    return Completeness(checks)


def completeness_score():
    """Database expression of `record_completeness(...).score` on Cooperation rows (before
    rounding: a float from 0 to 100)."""
    points = [Case(When(~Q(**{name: ""}), then=Value(1)), default=Value(0)) for name in TEXT_FIELDS]
    themes = Cooperation.themes.through.objects.filter(cooperation=OuterRef("pk")).values("pk")[:1]
    points.append(Case(When(Exists(themes), then=Value(1)), default=Value(0)))
    sources = (
        Source.objects.filter(cooperation=OuterRef("pk"))
        .order_by()
        .values("cooperation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    points.append(
        Least(
            Coalesce(Subquery(sources, output_field=IntegerField()), Value(0)),
            Value(SOURCES_COUNTED),
        )
    )
    points.append(
        Case(
            *(When(start_precision=key, then=Value(value)) for key, value in START_POINTS.items()),
            default=Value(0),
        )
    )
    total = points[0]
    for point in points[1:]:
        total = total + point
    return ExpressionWrapper(total * 100.0 / MAX_POINTS, output_field=FloatField())


def with_completeness(queryset: QuerySet) -> QuerySet:
    """Annotate `completeness` (float, 0 to 100) on a Cooperation queryset."""
    return queryset.annotate(completeness=completeness_score())


def average_by_reference_metropolis(queryset: QuerySet) -> list[dict]:
    """Per reference métropole of the records of `queryset`: code, name, number of records
    and their average score (rounded), highest score first."""
    rows = (
        with_completeness(queryset.order_by())
        .filter(metropolis__isnull=False)
        .values("metropolis__code", "metropolis__name")
        .annotate(records=Count("pk"), average=Cast(Round(Avg("completeness")), IntegerField()))
    )
    result = [
        {
            "key": row["metropolis__code"],
            "label": row["metropolis__name"],
            "records": row["records"],
            "score": row["average"] or 0,
        }
        for row in rows
    ]
    return sorted(result, key=lambda row: (-row["score"], row["label"], row["key"]))


def with_average_completeness(metropolises: QuerySet, user) -> QuerySet:
    """Annotate `average_completeness` on métropoles: the average score of the records
    `user` may see whose reference métropole each is (0 without any)."""
    averages = (
        with_completeness(Cooperation.objects.visible_to(user))
        .filter(metropolis=OuterRef("pk"))
        .order_by()
        .values("metropolis")
        .annotate(average=Round(Avg("completeness")))
        .values("average")
    )
    return metropolises.annotate(
        average_completeness=Coalesce(
            Cast(Subquery(averages, output_field=FloatField()), IntegerField()), 0
        )
    )


def register_column() -> None:
    """Add « Complétude » to the /metropoles/ table (see `territories.columns`)."""
    from territories.columns import MetropolisColumn, register_metropolis_column

    register_metropolis_column(
        MetropolisColumn(
            param="completeness",
            field="average_completeness",
            label=_("Complétude"),
            annotate=with_average_completeness,
            description=_(
                "Complétude moyenne, sur 100, des fiches dont elle est la métropole de "
                "référence (textes renseignés, thèmes, sources, précision de la date de "
                "début ; 0 sans fiche). Détail sur la page Statistiques."
            ),
        )
    )

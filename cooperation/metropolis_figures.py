"""The registry's columns of the /metropoles/ table: per métropole, the cooperations it is
the reference métropole of, and their distinct partners.

They are annotations of the table's one query (correlated subqueries), registered with
`territories.columns` from `CooperationConfig.ready()`, so the territories app shows and
sorts them without importing this app. Both respect `visible_to`: a visitor counts only
published records, staff count every record.
"""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from territories.columns import MetropolisColumn, register_metropolis_column

from .models import Cooperation, Partnership


def with_cooperation_count(metropolises: QuerySet, user) -> QuerySet:
    """Annotate `cooperation_count`: visible records whose reference métropole each is."""
    counts = (
        Cooperation.objects.visible_to(user)
        .filter(metropolis=OuterRef("pk"))
        .order_by()
        .values("metropolis")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return metropolises.annotate(
        cooperation_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


def with_cooperation_partner_count(metropolises: QuerySet, user) -> QuerySet:
    """Annotate `cooperation_partner_count`: distinct partner territories of those records,
    the métropole itself aside."""
    counts = (
        Partnership.objects.filter(
            cooperation__in=Cooperation.objects.visible_to(user).values("pk"),
            cooperation__metropolis=OuterRef("pk"),
        )
        .exclude(territory=OuterRef("pk"))
        .order_by()
        .values("cooperation__metropolis")
        .annotate(count=Count("territory", distinct=True))
        .values("count")
    )
    return metropolises.annotate(
        cooperation_partner_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


def register_columns() -> None:
    """Add « Coopérations » and « Partenaires » to the /metropoles/ table."""
    register_metropolis_column(
        MetropolisColumn(
            param="cooperations",
            field="cooperation_count",
            label=_("Coopérations"),
            annotate=with_cooperation_count,
            description=_(
                "Coopérations du registre dont la métropole est la métropole de référence."
            ),
        )
    )
    register_metropolis_column(
        MetropolisColumn(
            param="partners",
            field="cooperation_partner_count",
            label=_("Partenaires"),
            annotate=with_cooperation_partner_count,
            description=_(
                "Territoires partenaires distincts de ces coopérations, hors la métropole "
                "elle-même."
            ),
        )
    )

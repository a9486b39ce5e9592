"""Registry pieces shown by templates, including those of the geography's pages.

The territory pages belong to the territories app, which must not import the registry
(dependencies run territories ← cooperation). A template may cross that line where
Python may not: `territories/territory_detail.html` loads this library and calls
`{% territory_cooperations territory %}`, so the query lives here, next to the models it
reads, and the territories app never names the registry. (The /metropoles/ figures must
also be sortable, so they are query annotations registered with `territories.columns`
instead: see `cooperation.metropolis_figures`.)
"""

from django import template
from django.db.models import F
from django.urls import reverse

from territories.models import Territory, TerritoryKind

from .. import maps
from ..maps import metropolis_partners
from ..models import Cooperation, PartnerRelation, PartnerRole, Partnership

register = template.Library()

PARTNERS_SHOWN = 4


@register.inclusion_tag("cooperation/includes/territory_cooperations.html", takes_context=True)
def territory_cooperations(context, territory):
    """The cooperations the visitor may see that involve `territory`: first those whose
    reference métropole it is, then those it is a partner in — in one query."""
    request = context.get("request")
    cooperations = (
        Cooperation.objects.visible_to(getattr(request, "user", None))
        .involving(territory)
        .with_role_of(territory)
        .select_related("metropolis")
        .ordered_by_start()
    )
    roles, relations = dict(PartnerRole.choices), dict(PartnerRelation.choices)
    as_metropolis, as_partner = [], []
    for cooperation in cooperations:
        row = {
            "cooperation": cooperation,
            "role": roles.get(cooperation.territory_role, cooperation.territory_role),
            "relation": relations.get(
                cooperation.territory_relation, cooperation.territory_relation
            ),
        }
        (as_metropolis if cooperation.metropolis_id == territory.pk else as_partner).append(row)
    list_url = ""
    if territory.is_metropolis:
        list_url = f"{reverse('cooperation:list')}?metropolis={territory.code}"
    through = []
    if territory.kind == TerritoryKind.COMMUNE:
        through = cooperations_through_groupings(
            territory, context.get("containers"), getattr(request, "user", None)
        )
    return {
        "territory": territory,
        "as_metropolis": as_metropolis,
        "as_partner": as_partner,
        "list_url": list_url,
        "through": through,
    }


# The groupings of communes through which a commune takes part in its groupings'
# cooperations, in the order the page shows them.
GROUPING_KINDS = (TerritoryKind.EPCI, TerritoryKind.EPT)


def cooperations_through_groupings(commune, containers, user) -> list[dict]:
    """For each EPCI (or EPT) the commune belongs to that is a partner of visible
    cooperations: the grouping, whether it is a métropole, and those cooperations with the
    grouping's role — so that a commune's page says it takes part "through its EPCI" or
    "through its métropole" rather than in nothing. `containers`, the commune's containers
    as the page already read them, spares a query; one query reads the cooperations."""
    if containers is None:
        containers = Territory.objects.containing(commune)
    groupings = [container for container in containers if container.kind in GROUPING_KINDS]
    if not groupings:
        return []
    # An EPT lies inside its métropole (Grand Paris): the EPT first, then the métropole.
    groupings.sort(key=lambda grouping: (grouping.is_metropolis, grouping.name))
    partnerships = (
        Partnership.objects.filter(
            territory__in=groupings,
            cooperation__in=Cooperation.objects.visible_to(user),
        )
        .select_related("cooperation__metropolis")
        .order_by(F("cooperation__start_date").desc(nulls_last=True), "cooperation__title", "pk")
    )
    rows = {grouping.pk: [] for grouping in groupings}
    roles, relations = dict(PartnerRole.choices), dict(PartnerRelation.choices)
    for partnership in partnerships:
        rows[partnership.territory_id].append(
            {
                "cooperation": partnership.cooperation,
                "role": roles.get(partnership.role, partnership.role),
                "relation": relations.get(partnership.relation, partnership.relation),
            }
        )
    return [
        {"grouping": grouping, "is_metropolis": grouping.is_metropolis, "rows": rows[grouping.pk]}
        for grouping in groupings
        if rows[grouping.pk]
    ]


@register.simple_tag
def partner_summary(cooperation, limit=PARTNERS_SHOWN):
    """The partners to name in a list of records — the reference métropole aside, since
    it is shown on its own — and how many more there are. Never "and 1 other": a fifth
    name takes the same room."""
    partners = [
        partnership.territory
        for partnership in cooperation.partnerships.all()
        if partnership.territory_id != cooperation.metropolis_id
    ]
    if len(partners) <= limit + 1:
        return {"shown": partners, "more": 0}
    return {"shown": partners[:limit], "more": len(partners) - limit}


@register.inclusion_tag("cooperation/includes/metropolis_map.html", takes_context=True)
def metropolis_map(context, metropolis):
    """A métropole's map (members, neighbouring EPCI, partners coloured by relation) and
    the table of its partners beside it, for the cooperations the visitor may see."""
    request = context.get("request")
    partners = metropolis_partners(metropolis, getattr(request, "user", None))
    return {
        "metropolis": metropolis,
        "partners": partners,
        "maps": maps.metropolis_maps(metropolis, partners),
    }

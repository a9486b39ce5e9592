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
from django.urls import reverse

from ..models import Cooperation, PartnerRelation, PartnerRole

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
    return {
        "territory": territory,
        "as_metropolis": as_metropolis,
        "as_partner": as_partner,
        "list_url": list_url,
    }


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

"""The « Réseau » block of the territory pages, included by
`territories/territory_detail.html` as the « Coopérations » section is (the territories
app never imports the registry)."""

from django import template

from ..network.territory import territory_network as network_facts
from ..reciprocity import Reciprocity

register = template.Library()

PARTNERS_SHOWN = 12


@register.inclusion_tag("cooperation/network_territory.html", takes_context=True)
def territory_network(context, territory):
    """Degree, partners and bridge role of `territory` in the network of the records the
    visitor may see."""
    request = context.get("request")
    facts = network_facts(territory, getattr(request, "user", None))
    partners = facts["partners"] if facts else []
    return {
        "territory": territory,
        "facts": facts,
        "partners": partners[:PARTNERS_SHOWN],
        "more": max(len(partners) - PARTNERS_SHOWN, 0),
        "reciprocity": [
            {"value": value, "label": label, "count": facts["reciprocity"][value]}
            for value, label in Reciprocity.choices
        ]
        if facts
        else [],
    }

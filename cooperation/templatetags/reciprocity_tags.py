"""The reciprocity of a record's partnerships, for its page (see cooperation.reciprocity)."""

from django import template

from ..reciprocity import Reciprocity, reciprocity_of

register = template.Library()


@register.inclusion_tag("cooperation/includes/reciprocity.html")
def partnership_reciprocity(cooperation):
    """Each partner but the reference métropole, with its reciprocity (reads the prefetched
    partnerships)."""
    partnerships = [
        partnership
        for partnership in cooperation.partnerships.all()
        if cooperation.metropolis_id and partnership.territory_id != cooperation.metropolis_id
    ]
    values = reciprocity_of(
        (cooperation.pk, partnership.territory_id, cooperation.metropolis_id)
        for partnership in partnerships
    )
    labels = dict(Reciprocity.choices)
    rows = []
    for partnership in partnerships:
        value = values.get((cooperation.pk, partnership.territory_id), Reciprocity.REGISTRY_ONLY)
        rows.append({"partnership": partnership, "value": value, "label": labels[value]})
    return {"rows": rows, "metropolis": cooperation.metropolis}


@register.simple_tag
def completeness_of(cooperation):
    """The record's completeness (see cooperation.completeness; reads the prefetched
    themes and sources)."""
    from ..completeness import record_completeness

    return record_completeness(cooperation)

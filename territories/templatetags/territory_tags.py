"""Template filters of the geography's pages."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from .. import sections

register = template.Library()

# The words of the vintages stored with the reference data (manifest.json of the imported
# files: "COG 2026 ; population légale 2023", "DGCL 1er janv. 2025 ; pop. légale 2022"),
# longest first so that no term is replaced inside another.
VINTAGE_TERMS = (
    ("population légale", lambda: pgettext("millésime", "population légale")),
    ("pop. légale", lambda: pgettext("millésime", "pop. légale")),
    ("1er janv.", lambda: pgettext("millésime", "1er janv.")),
)


@register.filter
def vintage(value: str) -> str:
    """A stored vintage label in the page's language: its parts (separated by ";") with
    their known words translated; codes and years (COG 2026, DGCL) stay as they are."""
    parts = []
    for part in value.split(";"):
        part = part.strip()
        for french, translated in VINTAGE_TERMS:
            part = part.replace(french, translated())
        if part:
            parts.append(part)
    return pgettext("millésime", " ; ").join(parts)


@register.simple_tag(takes_context=True)
def territory_sections(context, territory):
    """Every section that another app registered for the territory pages
    (territories.sections), in registration order."""
    return mark_safe("".join(s.render(context, territory) for s in sections.territory_sections()))


@register.simple_tag(takes_context=True)
def territory_map(context, territory):
    """The map that another app draws in place of the situation map ("" when none does)."""
    for section in sections.territory_sections("map"):
        if html := section.render(context, territory):
            return mark_safe(html)
    return ""

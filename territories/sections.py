"""Sections that the apps built on the geography add to a territory's page.

The geography must not import those apps (territories ← cooperation ← surveys), yet a
territory's page shows its cooperations, its place in the network and, for a métropole,
the map of its partners. So the dependency is inverted, as for the /metropoles/ columns
(`territories.columns`): an app registers a section here from its `AppConfig.ready()` — a
function that renders it as HTML from the page's template context and the territory —
and the page renders every registered section with `{% territory_sections territory %}`
(and the métropole's map with `{% territory_map territory %}`). The territories app
never names the registering app; without it, the page simply has no such section.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template import Context

from .models import Territory

# Where a section goes: "sections" below the geography (in registration order), or
# "map" in place of the situation map (the first registered renderer that gives HTML).
PLACES = ("sections", "map")


@dataclass(frozen=True)
class TerritorySection:
    name: str
    render: Callable[[Context, Territory], str]  # "" when it has nothing to show
    place: str = "sections"


_registry: dict[str, TerritorySection] = {}


def register_territory_section(section: TerritorySection) -> None:
    """Add a section to the territory pages (registering the same name replaces it)."""
    if section.place not in PLACES:
        raise ValueError(f"Unknown place {section.place!r}: one of {', '.join(PLACES)}")
    _registry[section.name] = section


def territory_sections(place: str = "sections") -> list[TerritorySection]:
    """The sections registered for `place`, in registration order."""
    return [section for section in _registry.values() if section.place == place]

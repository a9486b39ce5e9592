"""The registry's sections of the territory pages, registered with territories.sections
(the geography never imports the registry)."""

from django.template.loader import render_to_string

from territories.sections import TerritorySection, register_territory_section

from .templatetags import cooperation_tags, network_tags


def _rendered(template_name: str, tag):
    """A section renderer from an inclusion tag's function and its template."""

    def render(context, territory) -> str:
        return render_to_string(template_name, tag(context, territory), context.get("request"))

    return render


def _metropolis_map(context, territory) -> str:
    if not territory.is_metropolis:
        return ""
    return _rendered("cooperation/includes/metropolis_map.html", cooperation_tags.metropolis_map)(
        context, territory
    )


def register_sections() -> None:
    register_territory_section(
        TerritorySection(
            "cooperations",
            _rendered(
                "cooperation/includes/territory_cooperations.html",
                cooperation_tags.territory_cooperations,
            ),
        )
    )
    register_territory_section(
        TerritorySection(
            "network",
            _rendered("cooperation/network_territory.html", network_tags.territory_network),
        )
    )
    register_territory_section(TerritorySection("metropolis_map", _metropolis_map, place="map"))

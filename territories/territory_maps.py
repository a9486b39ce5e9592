"""The maps of the geography's pages: a territory within its département (a département
within its région, a région within France) with its neighbours, and France with its
métropoles. Each map comes with the rows of the table that the page shows beside it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .geometry.maps import MapItem, SvgMap, build_map
from .geometry.sphere import haversine_km
from .models import Territory, TerritoryGeometry, TerritoryKind

# What a territory is drawn within, by kind (the first kind found among its containers).
CONTEXT_KINDS = {TerritoryKind.DEPARTMENT: (TerritoryKind.REGION,)}
DEFAULT_CONTEXT_KINDS = (TerritoryKind.DEPARTMENT, TerritoryKind.REGION)
CAPTION = gettext_lazy(
    "Contours simplifiés d’après IGN, ADMIN EXPRESS (Licence Ouverte). Les mêmes "
    "informations figurent dans le tableau qui suit la carte."
)


@dataclass(frozen=True)
class Neighbour:
    territory: Territory
    distance_km: float | None  # between representative points


def neighbours_of(territory: Territory) -> list[Neighbour]:
    """The territories sharing a border with `territory`, widest level first, with their
    distance to it — two queries."""
    origin = territory.geometry_or_none
    neighbours = list(Territory.objects.neighbours_of(territory).current().ordered_by_level())
    # Only the points: the outlines are for the map, which reads the level it draws.
    points = {
        pk: (lon, lat)
        for pk, lon, lat in TerritoryGeometry.objects.filter(territory__in=neighbours).values_list(
            "territory_id", "point_lon", "point_lat"
        )
    }
    result = []
    for neighbour in neighbours:
        distance = None
        if origin is not None and neighbour.pk in points:
            distance = haversine_km(*points[neighbour.pk], *origin.representative_point)
        result.append(Neighbour(neighbour, distance))
    return result


def situation_map(territory: Territory, neighbours: list[Neighbour]) -> SvgMap | None:
    """`territory` highlighted within its département(s) (a département within its région,
    a région within France), its neighbours as links; None without a contour."""
    if territory.geometry_or_none is None:
        return None
    context = _context(territory)
    label = f"{territory.name} ({territory.get_kind_display()})"
    items = [MapItem(pk, "context") for pk in context]
    items += [
        MapItem(
            n.territory.pk,
            "neighbour",
            label=_neighbour_label(n),
            href=n.territory.get_absolute_url(),
            marker=True,
        )
        for n in neighbours
    ]
    items.append(MapItem(territory.pk, "focus", label=label, marker=True))
    if neighbours:
        description = ngettext(
            "%(territory)s et son voisin.",
            "%(territory)s et ses %(count)s voisins.",
            len(neighbours),
        ) % {"territory": label, "count": len(neighbours)}
    else:
        description = _("%(territory)s, qui n’a aucun voisin (une île, par exemple).") % {
            "territory": label
        }
    return build_map(
        items,
        title=_("Situation de %(name)s") % {"name": territory.name},
        description=description,
        caption=CAPTION,
        legend=[
            ("focus", territory.name),
            *([("neighbour", _("Territoires voisins (liens)"))] if neighbours else []),
            ("context", _("Territoire englobant")),
        ],
    )


def metropolises_map(metropolises) -> SvgMap | None:
    """Mainland France by région, each métropole a link to its page."""
    regions = Territory.objects.of_kind(TerritoryKind.REGION).current().values_list("pk", flat=True)
    items = [MapItem(pk, "context") for pk in regions]
    items += [
        MapItem(m.pk, "metropolis", label=m.name, href=m.get_absolute_url(), marker=True)
        for m in metropolises
    ]
    return build_map(
        items,
        title=_("Carte des métropoles"),
        description=_(
            "La France par région, avec chaque métropole à son emplacement ; chacune mène "
            "à sa page."
        ),
        caption=CAPTION,
        legend=[("metropolis", _("Métropole (lien vers sa page)")), ("context", _("Région"))],
    )


def _context(territory: Territory) -> list[int]:
    if territory.kind == TerritoryKind.REGION:
        return list(
            Territory.objects.of_kind(TerritoryKind.REGION).current().values_list("pk", flat=True)
        )
    kinds = CONTEXT_KINDS.get(territory.kind, DEFAULT_CONTEXT_KINDS)
    containers = list(
        Territory.objects.containing(territory).filter(kind__in=kinds).values_list("pk", "kind")
    )
    for kind in kinds:  # the narrowest level that holds it
        found = [pk for pk, container_kind in containers if container_kind == kind]
        if found:
            return found
    return []


def _neighbour_label(neighbour: Neighbour) -> str:
    name = f"{neighbour.territory.name} ({neighbour.territory.get_kind_display()})"
    if neighbour.distance_km is None:
        return name
    return _("%(name)s, à %(km)s km") % {"name": name, "km": round(neighbour.distance_km)}

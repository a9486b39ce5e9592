"""The registry's maps: a métropole with its partners (on its territory page), and a
cooperation with its partners (on the record's page). Drawn by the geography's map
builder; partners are coloured by their relation to the reference métropole."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from territories.geometry.maps import MapItem, SvgMap, boxes, build_map
from territories.geometry.sphere import bounding_box_around
from territories.models import Containment, Territory, TerritoryKind
from territories.territory_maps import CAPTION

from .models import Cooperation, PartnerRelation, Partnership

# Partners within a square this wide around the reference métropole are drawn on its
# detailed map; those further away on a map of France.
LOCAL_SPAN_KM = 200


@dataclass
class MetropolisPartner:
    """A territory taking part in at least one of the métropole's cooperations."""

    territory: Territory
    relation: str
    relation_label: str
    distance_km: Decimal | None
    cooperations: list[Cooperation] = field(default_factory=list)


def metropolis_partners(metropolis: Territory, user) -> list[MetropolisPartner]:
    """The partners of the cooperations whose reference is `metropolis` (those `user` may
    see), nearest first — one query."""
    partnerships = (
        Partnership.objects.filter(
            cooperation__in=Cooperation.objects.visible_to(user).for_metropolis(metropolis)
        )
        .exclude(territory=metropolis)
        .select_related("territory", "cooperation")
        .order_by("cooperation__title", "cooperation_id")
    )
    labels = dict(PartnerRelation.choices)
    partners: dict[int, MetropolisPartner] = {}
    for partnership in partnerships:
        partner = partners.get(partnership.territory_id)
        if partner is None:
            partner = partners[partnership.territory_id] = MetropolisPartner(
                territory=partnership.territory,
                relation=partnership.relation,
                relation_label=str(labels.get(partnership.relation, partnership.relation)),
                distance_km=partnership.distance_km,
            )
        partner.cooperations.append(partnership.cooperation)
    return sorted(
        partners.values(),
        key=lambda p: (p.distance_km is None, p.distance_km or 0, p.territory.search_name),
    )


def metropolis_maps(metropolis: Territory, partners: list[MetropolisPartner]) -> list[SvgMap]:
    """The métropole with its member communes, the EPCI around it and its partners nearby,
    coloured by relation; and, when some partners lie further, a map of France showing
    them. Empty without a contour."""
    members = Territory.objects.contained_in(metropolis).of_kind(TerritoryKind.COMMUNE).current()
    shown = {p.territory.pk for p in partners}
    neighbours = [
        n
        for n in Territory.objects.neighbours_of(metropolis).of_kind(TerritoryKind.EPCI).current()
        if n.pk not in shown
    ]
    near, far = _split(metropolis, [p.territory for p in partners])
    nearby = [p for p in partners if p.territory.pk in near]
    maps = [_nearby_map(metropolis, members, neighbours, nearby)]
    distant = [p for p in partners if p.territory.pk in far]
    if distant:
        maps.append(
            _france_map(
                metropolis,
                [
                    _partner_item(p.territory, p.relation_label, p.relation, p.distance_km)
                    for p in distant
                ],
                title=_("Les partenaires plus lointains de %(name)s") % {"name": metropolis.name},
                relations=[p.relation for p in distant],
            )
        )
    return [m for m in maps if m is not None]


def _nearby_map(metropolis: Territory, members, neighbours, nearby) -> SvgMap | None:
    """The métropole, its member communes, the EPCI that touch it and its partners
    nearby, coloured by relation, on the map of their départements."""
    items = [
        MapItem(pk, "context") for pk in _departments([metropolis, *(p.territory for p in nearby)])
    ]
    items += [MapItem(pk, "member") for pk in members.values_list("pk", flat=True)]
    items += [
        MapItem(
            n.pk,
            "neighbour",
            label=_("%(name)s (EPCI voisin)") % {"name": n.name},
            href=n.get_absolute_url(),
        )
        for n in neighbours
    ]
    items += [
        _partner_item(p.territory, p.relation_label, p.relation, p.distance_km) for p in nearby
    ]
    items.append(MapItem(metropolis.pk, "reference", label=metropolis.name, layer=2))
    return build_map(
        items,
        title=_("%(name)s et ses partenaires proches") % {"name": metropolis.name},
        description=_(
            "%(name)s, ses communes membres, les EPCI qui la touchent et ses partenaires "
            "à moins d’une centaine de kilomètres, colorés selon leur relation à la "
            "métropole."
        )
        % {"name": metropolis.name},
        caption=CAPTION,
        legend=[
            ("reference", metropolis.name),
            ("member", _("Communes membres")),
            *([("neighbour", _("EPCI voisins"))] if neighbours else []),
            *_relation_legend(p.relation for p in nearby),
        ],
    )


def cooperation_maps(cooperation: Cooperation) -> list[SvgMap]:
    """The partners of a record (its `partnerships` prefetched with their territory) around
    the reference métropole, and those further away on a map of France."""
    partnerships = list(cooperation.partnerships.all())
    reference = next(
        (p.territory for p in partnerships if p.relation == PartnerRelation.REFERENCE), None
    )
    others = [p for p in partnerships if p.relation != PartnerRelation.REFERENCE]
    if reference is None:
        near, far = {p.territory_id for p in others}, set()
    else:
        near, far = _split(reference, [p.territory for p in others])
    nearby = [p for p in others if p.territory_id in near]
    territories = [p.territory for p in nearby] + ([reference] if reference else [])
    items = [MapItem(pk, "context") for pk in _departments(territories)]
    items += [
        _partner_item(p.territory, p.get_relation_display(), p.relation, p.distance_km)
        for p in nearby
    ]
    if reference is not None:
        items.append(_reference_item(reference))
    maps = [
        build_map(
            items,
            title=_("Les partenaires de « %(title)s »") % {"title": cooperation.title},
            description=ngettext(
                "Le partenaire de la coopération proche de la métropole de référence, coloré "
                "selon sa relation à elle.",
                "Les %(count)s partenaires de la coopération proches de la métropole de "
                "référence, colorés selon leur relation à elle.",
                len(nearby),
            )
            % {"count": len(nearby)},
            caption=CAPTION,
            legend=[
                *([("reference", _("Métropole de référence"))] if reference else []),
                *_relation_legend(p.relation for p in nearby),
            ],
        )
    ]
    distant = [p for p in others if p.territory_id in far]
    if distant:
        maps.append(
            _france_map(
                reference,
                [
                    _partner_item(p.territory, p.get_relation_display(), p.relation, p.distance_km)
                    for p in distant
                ],
                title=_("Les partenaires plus lointains de « %(title)s »")
                % {"title": cooperation.title},
                relations=[p.relation for p in distant],
            )
        )
    return [m for m in maps if m is not None]


def _split(reference: Territory, territories: list[Territory]) -> tuple[set[int], set[int]]:
    """Territories within a square of LOCAL_SPAN_KM around the reference's point, and
    those beyond (or without a contour: they are left out of both)."""
    known = boxes([reference.pk, *(t.pk for t in territories)])
    if reference.pk not in known:
        return {t.pk for t in territories if t.pk in known}, set()
    west, south, east, north = known[reference.pk]
    square = bounding_box_around((west + east) / 2, (south + north) / 2, LOCAL_SPAN_KM / 2)
    near, far = set(), set()
    for territory in territories:
        box = known.get(territory.pk)
        if box is None:
            continue
        inside = (
            square[0] <= box[0]
            and box[2] <= square[2]
            and square[1] <= box[1]
            and box[3] <= square[3]
        )
        (near if inside else far).add(territory.pk)
    return near, far


def _france_map(reference, items: list[MapItem], *, title: str, relations) -> SvgMap | None:
    regions = Territory.objects.of_kind(TerritoryKind.REGION).current().values_list("pk", flat=True)
    drawn = [MapItem(pk, "context") for pk in regions] + items
    if reference is not None:
        drawn.append(_reference_item(reference))
    return build_map(
        drawn,
        title=title,
        description=_(
            "La France par région, avec la métropole de référence et les partenaires situés "
            "à plus d’une centaine de kilomètres, colorés selon leur relation à elle."
        ),
        caption=CAPTION,
        legend=[
            *([("reference", _("Métropole de référence"))] if reference else []),
            *_relation_legend(relations),
            ("context", _("Région")),
        ],
    )


def _departments(territories) -> list[int]:
    """The départements the territories lie in, or are (for the background) — one query."""
    ids = [t.pk for t in territories]
    inside = Containment.objects.filter(
        content_id__in=ids, container__kind=TerritoryKind.DEPARTMENT
    ).values_list("container_id", flat=True)
    own = [t.pk for t in territories if t.kind == TerritoryKind.DEPARTMENT]
    return list(dict.fromkeys([*inside, *own]))


def _relation_legend(relations) -> list[tuple[str, str]]:
    present = set(relations)
    return [(value, str(label)) for value, label in PartnerRelation.choices if value in present]


def _reference_item(territory: Territory) -> MapItem:
    return MapItem(
        territory.pk,
        "reference",
        label=territory.name,
        href=territory.get_absolute_url(),
        marker=True,
        layer=2,
    )


def _partner_item(territory: Territory, relation_label, relation: str, distance_km) -> MapItem:
    label = f"{territory.name} — {relation_label}"
    if distance_km is not None:
        label = _("%(label)s, à %(km)s km") % {"label": label, "km": round(distance_km)}
    return MapItem(
        territory.pk, relation, label=label, href=territory.get_absolute_url(), marker=True, layer=1
    )

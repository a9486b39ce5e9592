"""Reciprocity of a partnership: is the link between a partner and the record's reference
métropole declared by both of them in the census, by one only, or by neither (known from
the registry only)?

A territory declares a partnership with another when one of its *validated* survey
responses was promoted to that very record, or names the other territory among the
partners of one of its cooperation entries. Those responses live in the survey app, which
depends on the registry and not the reverse: it registers a provider here
(`register_provider`, from `SurveysConfig.ready()`); without one, every partnership is
"registry only".
"""

from collections.abc import Callable, Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Reciprocity(models.TextChoices):
    BOTH = "both", _("Déclaré des deux côtés")
    ONE_SIDE = "one_side", _("Déclaré d’un seul côté")
    REGISTRY_ONLY = "registry_only", _("Registre seulement")


# (cooperation ids, territory ids) → (declared, named):
#   declared: {(cooperation_id, territory_id)}: a validated response of the territory was
#             promoted to the record;
#   named:    {(territory_id, other_territory_id)}: a validated response of the territory
#             names the other among an entry's partners.
Provider = Callable[[set[int], set[int]], tuple[set[tuple[int, int]], set[tuple[int, int]]]]
# () → the territories that have a validated response at all (the only ones that declare).
Declaring = Callable[[], set[int]]
_provider: Provider | None = None
_declaring: Declaring | None = None


def register_provider(provider: Provider | None, declaring: Declaring | None = None) -> None:
    """Install (or, with None, remove) the source of survey declarations."""
    global _provider, _declaring
    _provider, _declaring = provider, declaring


def reciprocity_of(rows: Iterable[tuple[int, int, int | None]]) -> dict[tuple[int, int], str]:
    """For (cooperation_id, territory_id, metropolis_id) rows — a partner of a record and
    the record's reference métropole — the reciprocity of each partnership, keyed by
    (cooperation_id, territory_id). The reference métropole itself, and partners of a
    record without one, are left out."""
    rows = [
        (cooperation, territory, metropolis)
        for cooperation, territory, metropolis in rows
        if metropolis is not None and territory != metropolis
    ]
    found = pair_reciprocity(rows)
    return {
        (cooperation, territory): found[(cooperation, territory, metropolis)]
        for cooperation, territory, metropolis in rows
    }


def pair_reciprocity(
    rows: Iterable[tuple[int, int, int]],
) -> dict[tuple[int, int, int], str]:
    """For (cooperation_id, territory_id, other_territory_id) rows — two partners of the
    same record — the reciprocity of their link within that record, keyed by the row: each
    side declares it when one of its validated responses was promoted to the record or
    names the other territory. One call of the provider (none without one)."""
    rows = list(rows)
    if not rows:
        return {}
    declared: set[tuple[int, int]] = set()
    named: set[tuple[int, int]] = set()
    if _provider is not None:
        cooperations = {row[0] for row in rows}
        territories = {row[1] for row in rows} | {row[2] for row in rows}
        declared, named = _provider(cooperations, territories)

    def declares(territory, other, cooperation) -> bool:
        return (cooperation, territory) in declared or (territory, other) in named

    result = {}
    for cooperation, territory, other in rows:
        sides = declares(territory, other, cooperation) + declares(other, territory, cooperation)
        result[(cooperation, territory, other)] = (
            Reciprocity.BOTH
            if sides == 2
            else Reciprocity.ONE_SIDE
            if sides == 1
            else Reciprocity.REGISTRY_ONLY
        ).value
    return result


def reciprocity_counts(cooperations) -> dict[str, int]:
    """Partnerships (the reference métropole's own aside) of the records of
    `cooperations` (a queryset), counted by reciprocity. Only the partnerships that touch a
    territory with a validated response are read one by one; the others are "registry
    only", counted in the database."""
    from django.db.models import F, Q

    from .models import Partnership

    pairs = Partnership.objects.filter(
        cooperation__in=cooperations.values("pk"), cooperation__metropolis__isnull=False
    ).exclude(territory_id=F("cooperation__metropolis_id"))
    counts = dict.fromkeys(Reciprocity.values, 0)
    counts[Reciprocity.REGISTRY_ONLY] = pairs.count()
    if _provider is None:
        return counts
    declaring = _declaring() if _declaring is not None else None
    if declaring is not None:
        if not declaring:
            return counts
        pairs = pairs.filter(
            Q(territory_id__in=declaring) | Q(cooperation__metropolis_id__in=declaring)
        )
    rows = pairs.values_list("cooperation_id", "territory_id", "cooperation__metropolis_id")
    for value in reciprocity_of(rows.iterator(chunk_size=2000)).values():
        counts[value] += 1
        counts[Reciprocity.REGISTRY_ONLY] -= 1
    return counts

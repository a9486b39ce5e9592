"""What the validated responses declare, for the registry's reciprocity
(`cooperation.reciprocity`): registered as its provider from `SurveysConfig.ready()`."""

from dataclasses import dataclass

from django.db.models import Prefetch

from cooperation.models import Cooperation
from territories.models import Territory

from .answering.answers import entry_id_of
from .entry_plan import cooperation_entries
from .models import Promotion, Response, ResponseStatus


def survey_declarations(cooperation_ids: set[int], territory_ids: set[int]):
    """(declared, named) for these records and territories (see the registry's module):
    one query without validated responses, two with (their promotions)."""
    responses = (
        Response.objects.filter(status=ResponseStatus.VALIDATED, territory_id__in=territory_ids)
        .select_related("questionnaire")
        .prefetch_related(
            Prefetch(
                "promotions",
                queryset=Promotion.objects.filter(cooperation_id__in=cooperation_ids),
            )
        )
    )
    declared: set[tuple[int, int]] = set()
    references: dict[int, set[str]] = {}
    for response in responses:
        for promotion in response.promotions.all():
            declared.add((promotion.cooperation_id, response.territory_id))
        for entry in cooperation_entries(response):
            partners = entry.get("coop_partners") if isinstance(entry, dict) else None
            for partner in partners if isinstance(partners, list) else []:
                if isinstance(partner, str) and ":" in partner:
                    references.setdefault(response.territory_id, set()).add(partner)
    ids = {}
    wanted = {reference for found in references.values() for reference in found}
    if wanted:
        codes = {reference.split(":", 1)[1] for reference in wanted}
        for territory_id, kind, code in Territory.objects.filter(
            pk__in=territory_ids, code__in=codes
        ).values_list("pk", "kind", "code"):
            ids[f"{kind}:{code}"] = territory_id
    named = {
        (territory_id, ids[reference])
        for territory_id, found in references.items()
        for reference in found
        if reference in ids
    }
    return declared, named


def declaring_territories() -> set[int]:
    """The territories with at least one validated response."""
    return set(
        Response.objects.filter(status=ResponseStatus.VALIDATED)
        .order_by()
        .values_list("territory_id", flat=True)
        .distinct()
    )


def statistics_changed(sender, instance, **kwargs) -> None:
    """A validated response (or its promotion) changes the registry's reciprocity: the
    cached statistics are dropped. Drafts and submissions, saved as officers type, do not."""
    from cooperation.cache_version import registry_changed

    response = instance if isinstance(instance, Response) else instance.response
    if response.status == ResponseStatus.VALIDATED:
        registry_changed()


@dataclass
class PartnerDeclaration:
    """A cooperation that a partner territory's validated response declares with the
    territory of the response under review."""

    territory: Territory  # the partner that declares it
    title: str  # the title its entry gives
    record: Cooperation | None  # the registry record that entry was promoted to, if any


def _entry_partners(entry) -> set[str]:
    partners = entry.get("coop_partners") if isinstance(entry, dict) else None
    return {p for p in partners if isinstance(p, str)} if isinstance(partners, list) else set()


def missing_partner_declarations(
    response: Response, listed_records: set[int]
) -> list[PartnerDeclaration]:
    """The cooperations that other territories' validated responses declare with
    `response`'s territory — an entry promoted to a record the territory is a partner of,
    or an entry naming it among its partners — and that `response` does not list: the
    record is not among `listed_records` (the records its entries update), or, for an
    entry on no record, the response names that partner in none of its entries. Sorted by
    partner, then title. Three queries (responses, promotions, their records' partners),
    whatever the number of responses."""
    territory = response.territory
    reference = f"{territory.kind}:{territory.code}"
    named_here = set().union(*(_entry_partners(e) for e in cooperation_entries(response)))
    others = (
        Response.objects.filter(status=ResponseStatus.VALIDATED)
        .exclude(territory_id=territory.pk)
        .select_related("territory", "questionnaire")
        .prefetch_related(
            Prefetch(
                "promotions",
                queryset=Promotion.objects.select_related("cooperation").prefetch_related(
                    "cooperation__partnerships"
                ),
            )
        )
        .order_by("territory__name", "pk")
    )
    found: dict[tuple, PartnerDeclaration] = {}
    for other in others:
        partner = other.territory
        promoted = {promotion.entry: promotion.cooperation for promotion in other.promotions.all()}
        for entry in cooperation_entries(other):
            if not isinstance(entry, dict):
                continue
            record = promoted.get(entry_id_of(entry))
            on_record = record is not None and any(
                p.territory_id == territory.pk for p in record.partnerships.all()
            )
            if not on_record and reference not in _entry_partners(entry):
                continue
            if record is not None and record.pk in listed_records:
                continue
            partner_reference = f"{partner.kind}:{partner.code}"
            if record is None and partner_reference in named_here:
                continue
            title = entry.get("coop_title") if isinstance(entry.get("coop_title"), str) else ""
            key = (partner.pk, record.pk if record is not None else title)
            found.setdefault(key, PartnerDeclaration(partner, title, record))
    return sorted(found.values(), key=lambda d: (d.territory.name, d.title))

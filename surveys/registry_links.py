"""Which registry record a cooperation entry of a response may update.

An entry names a record with `_registry_slug`, but that is only the client's word: the
answers come from the officer's browser or API client. The entry may update the record
only when

- the server pre-filled that record into that very entry when it created the response
  (a `PrefilledEntry` row), or
- the record is published and counts the responding territory among its partners.

Anything else is refused at every save (an error on the entry's `_registry_slug`) and
again at promotion, since records may change in between. An entry already promoted keeps
the record its `Promotion` row names (written by the server). No two entries of a
response may update the same record.

The refusal reads the same whether the named record does not exist, is unpublished or
belongs to other territories, so that it reveals nothing about unpublished records.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from cooperation.models import Cooperation, Partnership

from .answering.answers import REGISTRY_SLUG_KEY, entry_id_of, registry_slug_of
from .models import PrefilledEntry, Promotion, Response


@dataclass(frozen=True)
class EntryLink:
    """The record an entry would update on promotion (None: a new record), or why the
    record it names is refused."""

    record: Cooperation | None = None
    refusal: str = ""
    # Whether the link comes from the server (pre-fill or an earlier promotion) rather
    # than from the record's own partners.
    vouched: bool = False


def entry_links(response: Response, entries, *, lock: bool = False) -> list[EntryLink]:
    """One `EntryLink` per item of `entries` (a response's cooperation entries), in order.
    Records carry `involves_territory` (whether the responding territory is one of their
    partners). `lock` takes the records `FOR UPDATE`. Three queries."""
    entries = entries if isinstance(entries, list) else []
    # No ordering: (response, entry) is unique, and the models' ordering would join the
    # response, its campaign and its territory only to sort.
    promoted = dict(
        Promotion.objects.filter(response=response)
        .order_by()
        .values_list("entry", "cooperation_id")
    )
    prefilled = dict(
        PrefilledEntry.objects.filter(response=response)
        .order_by()
        .values_list("entry", "cooperation_id")
    )
    slugs = {registry_slug_of(entry) for entry in entries} - {""}
    records = Cooperation.objects.filter(Q(pk__in=promoted.values()) | Q(slug__in=slugs)).annotate(
        involves_territory=Exists(
            Partnership.objects.filter(
                cooperation=OuterRef("pk"), territory_id=response.territory_id
            )
        )
    )
    if lock:
        # Two responses promoted at once into the same record queue up rather than
        # interleave their changes.
        records = records.select_for_update()
    by_pk = {record.pk: record for record in records}
    by_slug = {record.slug: record for record in by_pk.values()}

    links: list[EntryLink] = []
    linked: dict[int, int] = {}  # record pk → number of the entry that links it
    for number, entry in enumerate(entries, start=1):
        link = _link(response, entry, promoted, prefilled, by_pk, by_slug)
        if link.record is not None:
            if link.record.pk in linked:
                link = EntryLink(
                    refusal=_(
                        "La fiche %(number)d de cette réponse décrit déjà cette coopération "
                        "du registre."
                    )
                    % {"number": linked[link.record.pk]}
                )
            else:
                linked[link.record.pk] = number
        links.append(link)
    return links


def _link(response, entry, promoted, prefilled, by_pk, by_slug) -> EntryLink:
    entry_id = entry_id_of(entry)
    if entry_id and entry_id in promoted and promoted[entry_id] in by_pk:
        return EntryLink(record=by_pk[promoted[entry_id]], vouched=True)
    named = entry.get(REGISTRY_SLUG_KEY) if isinstance(entry, dict) else None
    if named in (None, ""):
        return EntryLink()
    slug = registry_slug_of(entry)
    if not slug:
        return EntryLink(refusal=_("Lien vers le registre mal formé."))
    record = by_slug.get(slug)
    if record is not None and entry_id and prefilled.get(entry_id) == record.pk:
        return EntryLink(record=record, vouched=True)
    if record is not None and record.is_published and record.involves_territory:
        return EntryLink(record=record)
    return EntryLink(
        refusal=_(
            "Une fiche ne peut mettre à jour qu’une fiche publiée du registre dont "
            "%(territory)s est partenaire, ou celle dont elle a été préremplie : "
            "« %(slug)s » n’en est pas une."
        )
        % {"territory": response.territory.name, "slug": slug}
    )


def link_errors(response: Response, section: str, entries) -> dict[str, list[str]]:
    """The refused links among `entries`, keyed by the path of their `_registry_slug`."""
    return {
        f"{section}.{index}.{REGISTRY_SLUG_KEY}": [link.refusal]
        for index, link in enumerate(entry_links(response, entries))
        if link.refusal
    }

"""The items of `/api/v1/cooperations/`, built in plain Python.

Byte for byte what `CooperationSerializer` returns for each record (the detail still uses
it, and it stays the schema; `tests/cooperation/test_api_listing.py` compares the two), in
the same five queries — count, page, themes, partners with their territories, sources —
but from tuples rather than model instances and fields: the serializer spent about 85 % of
a 50-record page walking its fields (see docs/performance.md, "API lists")."""

from __future__ import annotations

from django.utils.translation import get_language

from config.api.representation import ChoiceLabels, URLs, blank_as_null, datetime_representation

from ..dates import format_partial_date
from ..models import (
    Cooperation,
    CooperationStatus,
    Instrument,
    PartnerRelation,
    PartnerRole,
    Partnership,
    Source,
)

# The page's own columns, in the order the item needs them.
COLUMNS = (
    "pk",
    "slug",
    "title",
    "summary",
    "description",
    "instrument",
    "status",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "governance",
    "engineering",
    "funding",
    "outcomes",
    "difficulties",
    "uncertainty_notes",
    "origin",
    "origin_label",
    "origin_url",
    "is_published",
    "created_at",
    "updated_at",
    "metropolis__kind",
    "metropolis__code",
    "metropolis__name",
)
PARTNER_COLUMNS = (
    "cooperation_id",
    "pk",
    "role",
    "relation",
    "is_contiguous",
    "distance_km",
    "territory__kind",
    "territory__code",
    "territory__siren",
    "territory__name",
    "territory__category",
)
SOURCE_COLUMNS = (
    "cooperation_id",
    "pk",
    "title",
    "publisher",
    "published_on",
    "published_precision",
    "url",
    "note",
)
LABELS = {
    "instrument": ChoiceLabels(Instrument.choices),
    "status": ChoiceLabels(CooperationStatus.choices),
    "role": ChoiceLabels(PartnerRole.choices),
    "relation": ChoiceLabels(PartnerRelation.choices),
}


class CooperationItems:
    """Builds the list's items for one request (its language, host and format)."""

    def __init__(self, request, format=None):
        self.api_url = URLs("cooperation-detail", "slug", request, api=True, format=format)
        self.web_url = URLs("cooperation:detail", "slug", request, api=False)
        self.territory_url = URLs("territory-detail", "code", request, api=True, format=format)
        self.territory_web_url = URLs("territories:detail", "code", request, api=False)
        self.datetime = datetime_representation()
        self.labels = {name: labels.table() for name, labels in LABELS.items()}

    def build(self, rows: list[tuple]) -> list[dict]:
        """`rows`: the page, as `values_list(*COLUMNS)` of the filtered queryset."""
        ids = [row[0] for row in rows]
        themes = self._themes(ids)
        partners = self._partners(ids)
        sources = self._sources(ids)
        return [
            self._item(row, themes.get(row[0], []), partners.get(row[0], []), sources)
            for row in rows
        ]

    def _item(self, row: tuple, themes: list, partners: list, sources: dict) -> dict:
        (pk, slug, title, summary, description, instrument, status, start_date) = row[:8]
        (start_precision, end_date, end_precision, governance, engineering) = row[8:13]
        (funding, outcomes, difficulties, uncertainty_notes, origin) = row[13:18]
        (origin_label, origin_url, is_published, created_at, updated_at) = row[18:23]
        metropolis_kind, metropolis_code, metropolis_name = row[23:26]
        labels = self.labels
        return {
            "slug": slug,
            "title": title,
            "summary": blank_as_null(summary),
            "description": blank_as_null(description),
            "instrument": instrument,
            "instrument_label": labels["instrument"].get(instrument, instrument),
            "themes": themes,
            "status": status,
            "status_label": labels["status"].get(status, status),
            "start": blank_as_null(format_partial_date(start_date, start_precision)),
            "start_precision": blank_as_null(start_precision),
            "end": blank_as_null(format_partial_date(end_date, end_precision)),
            "end_precision": blank_as_null(end_precision),
            "governance": blank_as_null(governance),
            "engineering": blank_as_null(engineering),
            "funding": blank_as_null(funding),
            "outcomes": blank_as_null(outcomes),
            "difficulties": blank_as_null(difficulties),
            "uncertainty_notes": blank_as_null(uncertainty_notes),
            "metropolis": None
            if metropolis_kind is None
            else {
                "kind": metropolis_kind,
                "code": metropolis_code,
                "name": metropolis_name,
                "url": self.territory_url(metropolis_code, kind=metropolis_kind),
            },
            "partners": partners,
            "sources": sources.get(pk, []),
            "origin": origin,
            "origin_label": blank_as_null(origin_label),
            "origin_url": blank_as_null(origin_url),
            "is_published": is_published,
            "created_at": self.datetime(created_at),
            "updated_at": self.datetime(updated_at),
            "url": self.api_url(slug),
            "web_url": self.web_url(slug),
        }

    def _themes(self, ids: list[int]) -> dict[int, list[dict]]:
        english = (get_language() or "fr").startswith("en")  # as `Theme.label`
        links = (
            Cooperation.themes.through.objects.filter(cooperation_id__in=ids)
            .order_by("theme__position", "theme__code")
            .values_list("cooperation_id", "theme__code", "theme__label_fr", "theme__label_en")
        )
        themes: dict[int, list[dict]] = {}
        for pk, code, label_fr, label_en in links:
            themes.setdefault(pk, []).append(
                {"code": code, "label": label_en if english else label_fr}
            )
        return themes

    def _partners(self, ids: list[int]) -> dict[int, list[dict]]:
        rows = (
            Partnership.objects.filter(cooperation_id__in=ids)
            .order_by("position", "pk")
            .values_list(*PARTNER_COLUMNS)
        )
        roles, relations = self.labels["role"], self.labels["relation"]
        partners: dict[int, list[dict]] = {}
        for pk, partner_id, role, relation, contiguous, km, *territory in rows:
            kind, code, siren, name, category = territory
            partners.setdefault(pk, []).append(
                {
                    "id": partner_id,
                    "territory": {
                        "kind": kind,
                        "code": code,
                        "siren": blank_as_null(siren),
                        "name": name,
                        "category": blank_as_null(category),
                        "url": self.territory_url(code, kind=kind),
                        "web_url": self.territory_web_url(code, kind=kind),
                    },
                    "role": role,
                    "role_label": roles.get(role, role),
                    "relation": relation,
                    "relation_label": relations.get(relation, relation),
                    "is_contiguous": contiguous,
                    "distance_km": None if km is None else float(km),
                }
            )
        return partners

    def _sources(self, ids: list[int]) -> dict[int, list[dict]]:
        rows = (
            Source.objects.filter(cooperation_id__in=ids)
            .order_by("position", "pk")
            .values_list(*SOURCE_COLUMNS)
        )
        sources: dict[int, list[dict]] = {}
        for pk, source_id, title, publisher, published_on, precision, url, note in rows:
            sources.setdefault(pk, []).append(
                {
                    "id": source_id,
                    "title": title,
                    "publisher": blank_as_null(publisher),
                    "date": blank_as_null(format_partial_date(published_on, precision)),
                    "date_precision": blank_as_null(precision),
                    "url": blank_as_null(url),
                    "note": blank_as_null(note),
                }
            )
        return sources

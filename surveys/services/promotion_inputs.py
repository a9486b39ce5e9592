"""What a survey entry gives the registry's services on promotion (`surveys.services.promotion`):
its partners, the groupings it declares outside the list (found by name or created for a
reviewer to check), its sources read from "documents and links", the notes and change
reasons written with it, and the messages naming what it got wrong."""

from __future__ import annotations

import hashlib
import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from cooperation.services import SourceInput
from portal.typography import labelled
from territories.models import Territory, TerritoryCategory, TerritoryKind
from territories.services import grouping_upsert
from territories.text import normalize_search_text

from ..answering.mapping import CODE_FIELDS, TEXT_FIELDS
from ..definition import Question
from ..entry_plan import EntryPlan, grouping_name
from ..models import Response

# The `source` of a territory created from a partner declared outside the list: a
# reviewer should check it (SIREN, category, place) and then change its source.
SURVEY_GROUPING_SOURCE = "recensement (à vérifier)"
URL = re.compile(r"https?://[^\s<>\"«»]+", re.IGNORECASE)
# Characters left around a document's title once its URL is taken out of the line.
TITLE_TRIM = " \t\u00a0\u202f\u2014\u2013-:|,;()[]«»"
# simple-history's `history_change_reason` column.
CHANGE_REASON_MAX = 100
# Registry fields (as named in service errors) → the question that fills them.
QUESTION_OF_FIELD = {
    **{name: question for question, name in TEXT_FIELDS.items()},
    **{name: question for question, name in CODE_FIELDS.items()},
    "partners": "coop_partners",
    "themes": "coop_themes",
    "start": "coop_start_year",
    "end": "coop_end_year",
    "url": "coop_documents",
    "date": "coop_documents",
}


def entry_partners(response: Response, plan: EntryPlan) -> tuple[list[Territory], list[Territory]]:
    """The responding territory then the declared partners, without repeats; and those
    that are groupings declared outside the list, still to be checked."""
    partners: dict[int, Territory] = {response.territory.pk: response.territory}
    to_check: dict[int, Territory] = {}
    declared = plan.declared.get("coop_partners")
    declared = declared if isinstance(declared, list) else []
    for item, territory in zip(declared, plan.partners, strict=True):
        if isinstance(item, dict):
            if not isinstance(territory, Territory):
                territory = declared_grouping(grouping_name(item), item["other_category"])
            if territory.source == SURVEY_GROUPING_SOURCE:
                to_check[territory.pk] = territory
        elif not isinstance(territory, Territory):
            raise ValidationError(
                {"partners": [_("Territoire inconnu : « %(ref)s ».") % {"ref": item}]}
            )
        partners.setdefault(territory.pk, territory)
    return list(partners.values()), list(to_check.values())


def declared_grouping(name: str, category: str) -> Territory:
    """The grouping (or foreign authority) a partner declared outside the list names:
    an existing one of the same name, else a new one awaiting a reviewer's check."""
    name = " ".join(name.split())
    normalized = normalize_search_text(name)
    existing = (
        Territory.objects.filter(
            kind__in=(TerritoryKind.GROUPING, TerritoryKind.FOREIGN), search_name=normalized
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    foreign = category == "FOREIGN"
    digest = hashlib.sha1(normalized.encode("utf-8")).hexdigest()[:8].upper()
    territory, _changed = grouping_upsert(
        kind=TerritoryKind.FOREIGN if foreign else TerritoryKind.GROUPING,
        # Derived from the name, so that the same declaration always finds the same row.
        code=f"ENQ-{slugify(name).upper()[:27]}-{digest}",
        name=name,
        category=TerritoryCategory.OTHER if foreign else category,
        source=SURVEY_GROUPING_SOURCE,
    )
    return territory


def entry_sources(response: Response, documents: str) -> list[SourceInput]:
    with translation.override("fr"):
        note = _("Document cité par %(territory)s dans sa réponse à « %(campaign)s ».") % {
            "territory": response.territory.name,
            "campaign": response.campaign.title,
        }
    sources, seen = [], set()
    for line in documents.splitlines():
        match = URL.search(line)
        url = match.group(0).rstrip(".,;:)]") if match else ""
        rest = (line[: match.start()] + " " + line[match.end() :]) if match else line
        title = " ".join(rest.strip(TITLE_TRIM).split()) or url
        if not title:
            continue
        source = SourceInput(title=Truncator(title).chars(300), url=url, note=note)
        if source_key(source) not in seen:
            seen.add(source_key(source))
            sources.append(source)
    return sources


def source_key(source) -> str:
    """What makes two citations the same: their address, or their title when they have
    none."""
    if source.url:
        return "url:" + source.url.strip().rstrip("/").lower()
    return "title:" + normalize_search_text(source.title)


def grouping_note(territory: Territory) -> str:
    with translation.override("fr"):
        return _(
            "Partenaire déclaré hors de la liste des territoires, à vérifier : "
            "%(name)s (%(category)s)."
        ) % {"name": territory.name, "category": territory.get_category_display()}


def is_ours(row, response: Response) -> bool:
    """Whether a history row was written by a promotion of `response`."""
    prefix = change_reason(response, 0, "").rsplit(",", 1)[0] + ","
    return (row.history_change_reason or "").startswith(prefix)


def change_reason(response: Response, number: int, entry_id: str) -> str:
    with translation.override("fr"):
        reason = _(
            "Enquête : campagne %(campaign)d, réponse %(response)d, fiche %(number)d (%(entry)s)"
        ) % {
            "campaign": response.campaign_id,
            "response": response.pk,
            "number": number,
            "entry": entry_id,
        }
    return Truncator(reason).chars(CHANGE_REASON_MAX)


def entry_heading(number: int, entry) -> str:
    title = entry.get("coop_title") if isinstance(entry, dict) else ""
    if title:
        return _("Fiche %(number)d « %(title)s » : ") % {"number": number, "title": title}
    return _("Fiche %(number)d : ") % {"number": number}


def entry_messages(error: ValidationError, questions: list[Question]) -> list[str]:
    """The error's messages, each prefixed with the question it concerns when known."""
    if not hasattr(error, "error_dict"):
        return error.messages
    labels = {
        q.code: q.label.get(translation.get_language() or "fr", q.label["fr"]) for q in questions
    }
    result = []
    for name, messages in error.message_dict.items():
        question = QUESTION_OF_FIELD.get(name, name)
        label = labels.get(question)
        for message in messages:
            result.append(labelled(label, message) if label else message)
    return result

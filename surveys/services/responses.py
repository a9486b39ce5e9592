"""Writes of a response's life and of the survey's set-up (questionnaires, officers):
open, save, submit, return, validate. Every function is keyword-only and atomic, and
raises django.core.exceptions.ValidationError on bad input, writing nothing. The other
writes are beside it in `surveys.services`."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobs.mail import email_enqueue
from portal.datetimes import date_and_time
from territories.models import Territory

from ..answering.answers import answer_errors
from ..definition import check_definition
from ..models import (
    EDITABLE_STATUSES,
    Campaign,
    Officer,
    PrefilledEntry,
    Questionnaire,
    Response,
    ResponseStatus,
)
from ..notifications import notify_officers
from ..permissions import check_may_answer, check_reviewer, is_officer_of, is_reviewer
from ..prefill import cooperation_section, initial_answers, respondent_answers
from ..registry_links import link_errors
from .promotion import response_promote


class StaleResponse(Exception):
    """A save named an older version of the response than the stored one. Carries the
    current response so the caller can show it (the API answers 409)."""

    def __init__(self, current: Response):
        super().__init__(
            f"Response {current.pk} is at version {current.version}; the save was refused."
        )
        self.current = current


def definition_checksum(definition: dict) -> str:
    """sha256 of the canonical JSON form of a definition."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def questionnaire_load(*, path: Path | str) -> tuple[Questionnaire, bool]:
    """Load a questionnaire file. Returns (questionnaire, created). Reloading an unchanged
    file changes nothing; a changed file may replace its version only while no campaign
    using that version has opened."""
    path = Path(path)
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValidationError(
            _("Fichier illisible : %(error)s") % {"error": error.strerror or error}
        ) from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(_("JSON invalide : %(error)s") % {"error": error}) from error
    errors = check_definition(definition)
    if errors:
        raise ValidationError(errors)
    checksum = definition_checksum(definition)
    fields = {
        "title_fr": definition["title"]["fr"],
        "title_en": definition["title"]["en"],
        "definition": definition,
        "checksum": checksum,
        "loaded_at": timezone.now(),
    }
    existing = (
        Questionnaire.objects.select_for_update()
        .filter(slug=definition["slug"], version=definition["version"])
        .first()
    )
    if existing is None:
        questionnaire = Questionnaire.objects.create(
            slug=definition["slug"], version=definition["version"], **fields
        )
        return questionnaire, True
    if existing.checksum == checksum:
        return existing, False
    if existing.is_locked:
        raise ValidationError(
            _(
                "La version %(version)d de « %(slug)s » est utilisée par une campagne déjà "
                "ouverte et ne peut plus changer : augmentez le numéro de version du fichier."
            )
            % {"version": existing.version, "slug": existing.slug}
        )
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save()
    return existing, False


@transaction.atomic
def response_open(*, campaign: Campaign, territory: Territory, user) -> Response:
    """The response of `territory` to `campaign`. The first opening creates it as a draft
    pre-filled with the territory's published registry records (see `prefill`)."""
    check_may_answer(user, territory)
    if not campaign.is_open_on(timezone.localdate()):
        raise ValidationError(_("Cette campagne n’est pas ouverte."))
    if not campaign.asks(territory):
        raise ValidationError(_("Ce territoire n’est pas interrogé par cette campagne."))
    existing = Response.objects.filter(campaign=campaign, territory=territory).first()
    if existing is not None:
        return existing
    questions = campaign.questionnaire.questions
    prefill = initial_answers(questions, territory=territory)
    # The officer's own name and address stand for "who is answering" until changed (not
    # those of a reviewer starting the response on the territory's behalf).
    respondent = (
        {}
        if is_reviewer(user) and not is_officer_of(user, territory)
        else (respondent_answers(questions, user=user))
    )
    try:
        # A savepoint, so a concurrent creation leaves this transaction usable.
        with transaction.atomic():
            response = Response.objects.create(
                campaign=campaign,
                territory=territory,
                questionnaire=campaign.questionnaire,
                answers={**respondent, **prefill.answers},
                last_saved_by=user,
                saved_at=timezone.now(),
            )
    except IntegrityError:
        return Response.objects.get(campaign=campaign, territory=territory)
    # What the server put in each entry is what that entry may later update.
    PrefilledEntry.objects.bulk_create(
        PrefilledEntry(response=response, entry=entry, cooperation=record)
        for entry, record in prefill.records.items()
    )
    return response


def known_territory_references(references: Iterable[str]) -> set[str]:
    """Those of `references` ("kind:code") naming an existing territory."""
    return set(Territory.objects.by_references(references))


def _check_campaign_open(response: Response) -> None:
    """Drafts change only while their campaign is open (the pages show them read-only
    afterwards; the API must not do otherwise); a returned response may be corrected
    after the closing date."""
    if response.status == ResponseStatus.DRAFT and not response.accepts_changes_on(
        timezone.localdate()
    ):
        raise ValidationError(
            _("La campagne « %(campaign)s » est close : la réponse ne peut plus changer.")
            % {"campaign": response.campaign.title}
        )


def _locked(response: Response) -> Response:
    """The response re-read under a row lock, with the campaign, territory and
    questionnaire (but not its definition: see `Questionnaire.questions`) the checks read,
    in the same query. Only the response's row is locked."""
    return (
        Response.objects.select_for_update(of=("self",))
        .select_related("campaign", "territory", "questionnaire")
        .defer("questionnaire__definition")
        .get(pk=response.pk)
    )


def _answers_errors(response: Response, answers, *, complete: bool) -> dict[str, list[str]]:
    """Everything wrong with `answers` for `response`, by path: the questionnaire's checks
    (loose for a draft, full when `complete`), then the links its cooperation entries
    claim to registry records (see `registry_links`)."""
    questions = response.questionnaire.questions
    errors = answer_errors(
        questions, answers, complete=complete, known_territories=known_territory_references
    )
    section = cooperation_section(questions)
    if section and isinstance(answers, dict) and "answers" not in errors:
        for path, messages in link_errors(response, section, answers.get(section)).items():
            errors.setdefault(path, messages)
    return errors


@transaction.atomic
def response_save(*, response: Response, answers: dict, version: int, user) -> Response:
    """Save a draft of the answers. `version` is the version the user started from: an
    older one raises StaleResponse (nothing written). Answers are checked loosely (types,
    choices, territory references); missing required answers are allowed."""
    check_may_answer(user, response.territory)
    current = _locked(response)
    if current.version != version:
        raise StaleResponse(current)
    _check_campaign_open(current)
    if current.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("Cette réponse a été transmise et ne peut plus être modifiée (%(status)s).")
            % {"status": current.get_status_display()}
        )
    errors = _answers_errors(current, answers, complete=False)
    if errors:
        raise ValidationError(errors)
    current.answers = answers
    current.version += 1
    current.last_saved_by = user
    current.saved_at = timezone.now()
    # History grows with decisions, not keystrokes: a draft save writes a snapshot only
    # when the latest one is older than the interval (status changes always write one).
    if _snapshot_is_recent(current):
        current.save_without_historical_record(
            update_fields=["answers", "version", "last_saved_by", "saved_at", "updated_at"]
        )
    else:
        current.save(
            update_fields=["answers", "version", "last_saved_by", "saved_at", "updated_at"]
        )
    return current


def _snapshot_is_recent(response: Response) -> bool:
    """Whether the response's latest history row is a snapshot of its current status taken
    less than `SURVEY_HISTORY_INTERVAL` ago."""
    interval = datetime.timedelta(minutes=settings.SURVEY_HISTORY_INTERVAL_MINUTES)
    if not interval:
        return False
    latest = (
        response.history.order_by("-history_date", "-history_id")
        .values("history_date", "status")
        .first()
    )
    return (
        latest is not None
        and latest["status"] == response.status
        and timezone.now() - latest["history_date"] < interval
    )


@transaction.atomic
def response_submit(*, response: Response, user) -> Response:
    """Submit the response for review after a full check (every visible required question
    answered). Submitting a submitted response returns it unchanged. A receipt is e-mailed
    to the user once the transaction commits."""
    check_may_answer(user, response.territory)
    current = _locked(response)
    if current.status == ResponseStatus.SUBMITTED:
        return current
    if current.status not in EDITABLE_STATUSES:
        raise ValidationError(_("Cette réponse a déjà été validée."))
    _check_campaign_open(current)
    errors = _answers_errors(current, current.answers, complete=True)
    if errors:
        raise ValidationError(errors)
    current.status = ResponseStatus.SUBMITTED
    current.submitted_at = timezone.now()
    current.submitted_by = user
    current.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    if user.email:
        subject, body = _receipt(current)
        recipient = user.email
        transaction.on_commit(
            lambda: email_enqueue(subject=subject, body=body, recipients=[recipient])
        )
    return current


def _receipt(response: Response) -> tuple[str, str]:
    entries = sum(
        len(value)
        for value in response.answers.values()
        if isinstance(value, list) and value and isinstance(value[0], dict)
    )
    submitted = response.submitted_at
    # The receipt goes out in French, whatever language the submitter's page was in.
    with translation.override("fr"):
        subject = _("Accusé de réception : %(campaign)s") % {"campaign": response.campaign.title}
        body = "\n".join(
            [
                _("Bonjour,"),
                "",
                _("Nous avons bien reçu votre réponse."),
                "",
                _("Campagne : %(campaign)s") % {"campaign": response.campaign.title},
                _("Territoire : %(territory)s") % {"territory": response.territory.name},
                _("Transmise le : %(date)s") % {"date": date_and_time(submitted)},
                _("Nombre de coopérations décrites : %(count)d") % {"count": entries},
                _("Référence : %(reference)s") % {"reference": response.receipt_reference},
                "",
                _(
                    "L’équipe du recensement relira votre réponse et pourra vous la "
                    "renvoyer pour des compléments."
                ),
            ]
        )
    return subject, body


@transaction.atomic
def response_return(*, response: Response, reviewer, notes: str, base_url: str = "") -> Response:
    """Send a submitted response back to its territory for changes, with the reviewer's
    notes (required); officers may then edit and submit again. The territory's officers
    are told by e-mail once the transaction commits (`base_url`, "https://host", prefixes
    the link to the answer page)."""
    check_reviewer(reviewer)
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": [_("Expliquez ce qui doit être corrigé.")]})
    current = _locked(response)
    if current.status != ResponseStatus.SUBMITTED:
        raise ValidationError(_("Seule une réponse transmise peut être renvoyée."))
    current.status = ResponseStatus.RETURNED
    current.reviewer_notes = notes
    current.returned_at = timezone.now()
    current.returned_by = reviewer
    current.save(
        update_fields=["status", "reviewer_notes", "returned_at", "returned_by", "updated_at"]
    )
    notify_officers(current, decision="returned", base_url=base_url)
    return current


@transaction.atomic
def response_validate(*, response: Response, reviewer, base_url: str = "") -> Response:
    """Accept a submitted response and promote its cooperation entries into the registry
    (see `surveys.services.promotion`), in one transaction: an entry the registry refuses raises
    ValidationError naming it, and the response stays submitted. Validating a validated
    response returns it unchanged. The territory's officers are told by e-mail, with the
    links to the records, once the transaction commits."""
    check_reviewer(reviewer)
    current = _locked(response)
    if current.status == ResponseStatus.VALIDATED:
        return current
    if current.status != ResponseStatus.SUBMITTED:
        raise ValidationError(_("Seule une réponse transmise peut être validée."))
    current.status = ResponseStatus.VALIDATED
    current.validated_at = timezone.now()
    current.validated_by = reviewer
    current.save(update_fields=["status", "validated_at", "validated_by", "updated_at"])
    response_promote(response=current, reviewer=reviewer)
    notify_officers(current, decision="validated", base_url=base_url)
    return current


@transaction.atomic
def officer_add(*, user, territory: Territory) -> Officer:
    """Make `user` an officer of `territory` (no change when already one)."""
    officer, _created = Officer.objects.get_or_create(user=user, territory=territory)
    return officer

"""Writes of the survey app. Every function is keyword-only and atomic, and raises
django.core.exceptions.ValidationError on bad input, writing nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from territories.models import Territory

from .answers import answer_errors
from .definition import check_definition, parse_definition
from .models import (
    EDITABLE_STATUSES,
    Campaign,
    Officer,
    Questionnaire,
    Response,
    ResponseStatus,
)
from .prefill import initial_answers
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


def _is_officer(user, territory: Territory) -> bool:
    return Officer.objects.filter(user=user, territory=territory).exists()


def _check_may_answer(*, response_territory: Territory, user) -> None:
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Connectez-vous pour répondre."))
    if not user.is_staff and not _is_officer(user, response_territory):
        raise ValidationError(_("Vous ne répondez pas pour ce territoire."))


@transaction.atomic
def response_open(*, campaign: Campaign, territory: Territory, user) -> Response:
    """The response of `territory` to `campaign`. The first opening creates it as a draft
    pre-filled with the territory's published registry records (see `prefill`)."""
    _check_may_answer(response_territory=territory, user=user)
    if not campaign.is_open_on(timezone.localdate()):
        raise ValidationError(_("Cette campagne n’est pas ouverte."))
    if not campaign.asks(territory):
        raise ValidationError(_("Ce territoire n’est pas interrogé par cette campagne."))
    existing = Response.objects.filter(campaign=campaign, territory=territory).first()
    if existing is not None:
        return existing
    try:
        # A savepoint, so a concurrent creation leaves this transaction usable.
        with transaction.atomic():
            return Response.objects.create(
                campaign=campaign,
                territory=territory,
                questionnaire=campaign.questionnaire,
                answers=initial_answers(campaign.questionnaire.questions, territory=territory),
                last_saved_by=user,
            )
    except IntegrityError:
        return Response.objects.get(campaign=campaign, territory=territory)


def known_territory_references(references: Iterable[str]) -> set[str]:
    """Those of `references` ("kind:code") naming an existing territory."""
    wanted: dict[str, set[str]] = {}
    for reference in references:
        kind, _sep, code = reference.partition(":")
        wanted.setdefault(kind, set()).add(code)
    known = set()
    for kind, codes in wanted.items():
        for code in Territory.objects.filter(kind=kind, code__in=codes).values_list(
            "code", flat=True
        ):
            known.add(f"{kind}:{code}")
    return known


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
    return Response.objects.select_for_update().get(pk=response.pk)


@transaction.atomic
def response_save(*, response: Response, answers: dict, version: int, user) -> Response:
    """Save a draft of the answers. `version` is the version the user started from: an
    older one raises StaleResponse (nothing written). Answers are checked loosely (types,
    choices, territory references); missing required answers are allowed."""
    _check_may_answer(response_territory=response.territory, user=user)
    current = _locked(response)
    if current.version != version:
        raise StaleResponse(current)
    _check_campaign_open(current)
    if current.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("Cette réponse a été transmise et ne peut plus être modifiée (%(status)s).")
            % {"status": current.get_status_display()}
        )
    questions = parse_definition(current.questionnaire.definition)
    errors = answer_errors(
        questions, answers, complete=False, known_territories=known_territory_references
    )
    if errors:
        raise ValidationError(errors)
    current.answers = answers
    current.version += 1
    current.last_saved_by = user
    current.save(update_fields=["answers", "version", "last_saved_by", "updated_at"])
    return current


@transaction.atomic
def response_submit(*, response: Response, user) -> Response:
    """Submit the response for review after a full check (every visible required question
    answered). Submitting a submitted response returns it unchanged. A receipt is e-mailed
    to the user once the transaction commits."""
    _check_may_answer(response_territory=response.territory, user=user)
    current = _locked(response)
    if current.status == ResponseStatus.SUBMITTED:
        return current
    if current.status not in EDITABLE_STATUSES:
        raise ValidationError(_("Cette réponse a déjà été validée."))
    _check_campaign_open(current)
    questions = parse_definition(current.questionnaire.definition)
    errors = answer_errors(
        questions, current.answers, complete=True, known_territories=known_territory_references
    )
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
            lambda: send_mail(subject, body, None, [recipient], fail_silently=False)
        )
    return current


def _receipt(response: Response) -> tuple[str, str]:
    entries = sum(
        len(value)
        for value in response.answers.values()
        if isinstance(value, list) and value and isinstance(value[0], dict)
    )
    submitted = timezone.localtime(response.submitted_at)
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
                _("Transmise le : %(date)s") % {"date": f"{submitted:%d/%m/%Y %H:%M}"},
                _("Nombre de coopérations décrites : %(count)d") % {"count": entries},
                "",
                _(
                    "L’équipe du recensement relira votre réponse et pourra vous la "
                    "renvoyer pour des compléments."
                ),
            ]
        )
    return subject, body


def _check_reviewer(reviewer) -> None:
    if reviewer is None or not reviewer.is_authenticated or not reviewer.is_staff:
        raise ValidationError(_("Seule l’équipe de relecture peut faire cela."))


@transaction.atomic
def response_return(*, response: Response, reviewer, notes: str) -> Response:
    """Send a submitted response back to its territory for changes, with the reviewer's
    notes (required); officers may then edit and submit again."""
    _check_reviewer(reviewer)
    notes = (notes or "").strip()
    if not notes:
        raise ValidationError({"notes": [_("Expliquez ce qui doit être corrigé.")]})
    current = _locked(response)
    if current.status != ResponseStatus.SUBMITTED:
        raise ValidationError(_("Seule une réponse transmise peut être renvoyée."))
    current.status = ResponseStatus.RETURNED
    current.reviewer_notes = notes
    current.save(update_fields=["status", "reviewer_notes", "updated_at"])
    return current


@transaction.atomic
def response_validate(*, response: Response, reviewer) -> Response:
    """Accept a submitted response and promote its cooperation entries into the registry
    (see `surveys.promotion`), in one transaction: an entry the registry refuses raises
    ValidationError naming it, and the response stays submitted. Validating a validated
    response returns it unchanged."""
    _check_reviewer(reviewer)
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
    return current


@transaction.atomic
def officer_add(*, user, territory: Territory) -> Officer:
    """Make `user` an officer of `territory` (no change when already one)."""
    officer, _created = Officer.objects.get_or_create(user=user, territory=territory)
    return officer

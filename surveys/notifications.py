"""The e-mails telling a territory's officers what the reviewers decided: a response
returned for corrections (with the reviewer's notes and the link to the answer page) and
a response validated (with the links to the registry records it created or updated).

The services queue them with `transaction.on_commit`; they leave through the task queue
(`jobs.mail`), like receipts and reminders. Officers read French, whatever language the
reviewer's page was in."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from jobs.mail import email_enqueue
from portal.datetimes import date_and_time

from .models import Officer, Response


def officer_emails(response: Response) -> list[str]:
    """The addresses of the active officers of the response's territory, and of the person
    who submitted it, each once."""
    emails = list(
        Officer.objects.filter(territory=response.territory_id, user__is_active=True)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", flat=True)
        .distinct()
    )
    submitter = response.submitted_by
    if submitter is not None and submitter.email and submitter.email not in emails:
        emails.append(submitter.email)
    return emails


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path if base_url else path


def returned_message(response: Response, *, base_url: str) -> tuple[str, str]:
    """Subject and body of the e-mail of a returned response."""
    link = _absolute(base_url, response.campaign.answer_url(response.territory))
    with translation.override("fr"):
        subject = _("Réponse renvoyée pour corrections : %(campaign)s — %(territory)s") % {
            "campaign": response.campaign.title,
            "territory": response.territory.name,
        }
        body = "\n".join(
            [
                _("Bonjour,"),
                "",
                _(
                    "L’équipe du recensement vous a renvoyé la réponse de %(territory)s à "
                    "« %(campaign)s » le %(date)s pour corrections."
                )
                % {
                    "territory": response.territory.name,
                    "campaign": response.campaign.title,
                    "date": date_and_time(response.returned_at),
                },
                "",
                _("Remarques de l’équipe de relecture :"),
                response.reviewer_notes,
                "",
                _("Pour corriger puis transmettre à nouveau la réponse (connexion nécessaire) :"),
                link,
                "",
                _("L’équipe du recensement"),
            ]
        )
    return subject, body


def validated_message(response: Response, *, base_url: str) -> tuple[str, str]:
    """Subject and body of the e-mail of a validated response, with its records."""
    promotions = response.promotions.select_related("cooperation").order_by(
        "cooperation__title", "pk"
    )
    with translation.override("fr"):
        subject = _("Réponse validée : %(campaign)s — %(territory)s") % {
            "campaign": response.campaign.title,
            "territory": response.territory.name,
        }
        lines = [
            _("Bonjour,"),
            "",
            _(
                "L’équipe du recensement a validé la réponse de %(territory)s à « %(campaign)s » "
                "le %(date)s."
            )
            % {
                "territory": response.territory.name,
                "campaign": response.campaign.title,
                "date": date_and_time(response.validated_at),
            },
        ]
        if promotions:
            lines += ["", _("Les coopérations déclarées sont au registre :")]
            for promotion in promotions:
                record = promotion.cooperation
                if promotion.created:
                    state = _("créée")
                elif promotion.changed:
                    state = _("mise à jour")
                else:
                    state = _("identique")
                url = _absolute(base_url, record.get_absolute_url())
                lines.append(f"- {record.title} ({state})\u00a0: {url}")
        lines += [
            "",
            _("Votre réponse reste consultable :"),
            _absolute(base_url, response.campaign.answer_url(response.territory)),
            "",
            _("Merci de votre participation."),
            _("L’équipe du recensement"),
        ]
    return subject, "\n".join(lines)


def notify_officers(response: Response, *, decision: str, base_url: str) -> None:
    """Queue, once the transaction commits, the e-mail of `decision` ("returned" or
    "validated") to the officers of the response's territory."""
    recipients = officer_emails(response)
    if not recipients:
        return
    build = returned_message if decision == "returned" else validated_message
    subject, body = build(response, base_url=base_url)
    transaction.on_commit(partial(email_enqueue, subject=subject, body=body, recipients=recipients))

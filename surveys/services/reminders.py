"""Coverage of a campaign (where each target territory stands) and reminders to the
territories that have not sent their response."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jobs.mail import email_enqueue
from portal.datetimes import long_date
from territories.models import Territory

from ..models import Campaign, Officer, Reminder, Response, ResponseStatus
from ..permissions import check_reviewer

NO_RESPONSE = "none"
# Where a territory may stand, in the order of the coverage totals.
COVERAGE_STATUSES = (
    (NO_RESPONSE, gettext_lazy("Pas de réponse")),
    (ResponseStatus.DRAFT, ResponseStatus.DRAFT.label),
    (ResponseStatus.SUBMITTED, ResponseStatus.SUBMITTED.label),
    (ResponseStatus.RETURNED, ResponseStatus.RETURNED.label),
    (ResponseStatus.VALIDATED, ResponseStatus.VALIDATED.label),
)
# Territories still expected to send something.
AWAITED_STATUSES = (NO_RESPONSE, ResponseStatus.DRAFT, ResponseStatus.RETURNED)


@dataclass
class CoverageRow:
    territory: Territory
    response: Response | None
    officer_count: int
    last_reminder: datetime.datetime | None

    @property
    def status(self) -> str:
        return self.response.status if self.response else NO_RESPONSE

    @property
    def status_label(self) -> str:
        return str(dict(COVERAGE_STATUSES)[self.status])

    @property
    def last_activity(self) -> datetime.datetime | None:
        return self.response.updated_at if self.response else None

    @property
    def is_awaited(self) -> bool:
        return self.status in AWAITED_STATUSES

    @property
    def reminded_recently(self) -> bool:
        """Whether the territory was reminded less than `SURVEY_REMINDER_INTERVAL_HOURS`
        ago (another reminder then needs the reviewer's confirmation)."""
        return self.last_reminder is not None and self.last_reminder > reminder_cutoff()


@dataclass
class Coverage:
    campaign: Campaign
    rows: list[CoverageRow]

    @property
    def totals(self) -> list[dict]:
        """{"status", "label", "count"} for every status, in order (zeros included)."""
        counts = Counter(row.status for row in self.rows)
        return [
            {"status": status, "label": label, "count": counts[status]}
            for status, label in COVERAGE_STATUSES
        ]

    @property
    def awaited(self) -> list[CoverageRow]:
        return [row for row in self.rows if row.is_awaited]

    @property
    def awaited_without_officers(self) -> list[CoverageRow]:
        return [row for row in self.awaited if row.officer_count == 0]

    @property
    def awaited_reminded_recently(self) -> list[CoverageRow]:
        """Awaited territories with officers, reminded within the interval."""
        return [row for row in self.awaited if row.officer_count and row.reminded_recently]


def reminder_cutoff() -> datetime.datetime:
    """Reminders sent after this moment are recent (`SURVEY_REMINDER_INTERVAL_HOURS`)."""
    return timezone.now() - datetime.timedelta(hours=settings.SURVEY_REMINDER_INTERVAL_HOURS)


def campaign_coverage(campaign: Campaign) -> Coverage:
    """Every target territory of `campaign` with its response (if any), its number of
    officers and its last reminder, by name; three queries whatever the number of targets."""
    last_reminder = (
        Reminder.objects.filter(campaign=campaign, territory=OuterRef("pk"))
        .order_by("-sent_at")
        .values("sent_at")[:1]
    )
    territories = campaign.targets.annotate(
        officer_count=Count("officers", distinct=True),
        last_reminder=Subquery(last_reminder),
    ).order_by("search_name", "kind", "code")
    responses = {
        response.territory_id: response
        for response in Response.objects.filter(campaign=campaign).defer("answers")
    }
    rows = [
        CoverageRow(
            territory=territory,
            response=responses.get(territory.pk),
            officer_count=territory.officer_count,
            last_reminder=territory.last_reminder,
        )
        for territory in territories
    ]
    return Coverage(campaign=campaign, rows=rows)


def campaigns_status_counts(campaigns: list[Campaign]) -> dict[int, list[dict]]:
    """For each campaign (by pk), its coverage totals as `Coverage.totals` words them;
    two queries whatever the number of campaigns."""
    targets = dict(
        Campaign.targets.through.objects.filter(campaign__in=campaigns)
        .values_list("campaign_id")
        .annotate(count=Count("territory_id"))
        .order_by()
    )
    counts: dict[int, Counter] = {campaign.pk: Counter() for campaign in campaigns}
    rows = (
        Response.objects.filter(
            campaign__in=campaigns, territory__campaigns_targeting=F("campaign")
        )
        .values_list("campaign_id", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for campaign_id, status, count in rows:
        counts[campaign_id][status] += count
    result = {}
    for campaign in campaigns:
        answered = sum(counts[campaign.pk].values())
        counts[campaign.pk][NO_RESPONSE] = max(0, targets.get(campaign.pk, 0) - answered)
        result[campaign.pk] = [
            {"status": status, "label": label, "count": counts[campaign.pk][status]}
            for status, label in COVERAGE_STATUSES
        ]
    return result


@dataclass
class ReminderReport:
    reminders: list[Reminder] = field(default_factory=list)
    # Awaited territories nobody could be reminded at: no officer with an e-mail address.
    without_officers: list[Territory] = field(default_factory=list)
    # Awaited territories reminded within the interval, left out without a confirmation.
    recently_reminded: list[Territory] = field(default_factory=list)


@transaction.atomic
def campaign_remind(
    *, campaign: Campaign, sender, base_url: str, remind_recent: bool = False
) -> ReminderReport:
    """E-mail the officers of every target territory that has not sent its response (none,
    draft or returned), one message per territory, and record a `Reminder` for each. The
    messages leave once the transaction commits. `base_url` ("https://host") prefixes the
    link to the answer page. A territory reminded less than
    `SURVEY_REMINDER_INTERVAL_HOURS` ago is left out (and reported) unless
    `remind_recent`: the reviewer confirmed a second reminder."""
    check_reviewer(sender)
    if not campaign.is_open_on(timezone.localdate()):
        raise ValidationError(
            _("Cette campagne n’est pas ouverte : aucune relance n’a été envoyée.")
        )
    # One reminder run at a time per campaign: a second click waits, then sees the first
    # run's reminders as recent.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    awaited = campaign_coverage(campaign).awaited
    recipients: dict[int, list[str]] = {}
    officers = (
        Officer.objects.filter(
            territory__in=[row.territory for row in awaited], user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email", "pk")
    )
    for officer in officers:
        emails = recipients.setdefault(officer.territory_id, [])
        if officer.user.email not in emails:
            emails.append(officer.user.email)

    report = ReminderReport()
    for row in awaited:
        emails = recipients.get(row.territory.pk)
        if not emails:
            report.without_officers.append(row.territory)
            continue
        if row.reminded_recently and not remind_recent:
            report.recently_reminded.append(row.territory)
            continue
        report.reminders.append(
            Reminder(
                campaign=campaign,
                territory=row.territory,
                recipients="\n".join(emails),
                sent_by=sender,
            )
        )
        subject, body = _reminder_message(campaign, row, base_url)
        transaction.on_commit(partial(email_enqueue, subject=subject, body=body, recipients=emails))
    Reminder.objects.bulk_create(report.reminders)
    return report


def _reminder_message(campaign: Campaign, row: CoverageRow, base_url: str) -> tuple[str, str]:
    link = base_url.rstrip("/") + campaign.answer_url(row.territory)
    # Officers read French, whatever language the reviewer's page was in.
    with translation.override("fr"):
        state = {
            NO_RESPONSE: _("aucune réponse n’a encore été commencée"),
            ResponseStatus.DRAFT: _("la réponse est commencée mais pas encore transmise"),
            ResponseStatus.RETURNED: _(
                "la réponse vous a été renvoyée pour corrections et attend d’être transmise "
                "à nouveau"
            ),
        }[row.status]
        subject = _("Relance : %(campaign)s — %(territory)s") % {
            "campaign": campaign.title,
            "territory": row.territory.name,
        }
        lines = [
            _("Bonjour,"),
            "",
            _("La campagne « %(campaign)s » attend la réponse de %(territory)s : %(state)s.")
            % {"campaign": campaign.title, "territory": row.territory.name, "state": state},
            _("Date de clôture : %(date)s") % {"date": long_date(campaign.closing_date)},
        ]
        if row.status == ResponseStatus.RETURNED and row.response.reviewer_notes:
            lines += [
                "",
                _("Remarques de l’équipe de relecture :"),
                row.response.reviewer_notes,
            ]
        lines += [
            "",
            _("Pour répondre (connexion nécessaire) :"),
            link,
            "",
            _("Merci de votre participation."),
            _("L’équipe du recensement"),
        ]
    return subject, "\n".join(lines)

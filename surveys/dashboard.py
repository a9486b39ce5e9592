"""What an officer has to answer: each campaign targeting one of their territories, with
the state of that territory's response. A fixed number of queries, whatever the counts."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch

from territories.models import Territory

from .models import Campaign, Promotion, Response, ResponseStatus


@dataclass
class Assignment:
    """One territory of the officer asked by one campaign, and its response if any."""

    campaign: Campaign
    territory: Territory
    response: Response | None
    is_open: bool

    @property
    def action(self) -> str | None:
        """What the officer can do: "start", "resume", "view", or None (nothing to see)."""
        if self.response is None:
            return "start" if self.is_open else None
        if self.response.status == ResponseStatus.RETURNED or (
            self.is_open and self.response.is_editable
        ):
            return "resume"
        return "view"


@dataclass
class CampaignRow:
    campaign: Campaign
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class Dashboard:
    territories: list[Territory]
    open: list[CampaignRow]
    upcoming: list[CampaignRow]
    closed: list[CampaignRow]


def officer_dashboard(user, *, today: datetime.date) -> Dashboard:
    """The campaigns asking `user`'s territories, split into open, upcoming and closed."""
    territories = list(
        Territory.objects.filter(officers__user=user).order_by("search_name", "kind", "code")
    )
    if not territories:
        return Dashboard(territories=[], open=[], upcoming=[], closed=[])
    campaigns = list(
        Campaign.objects.filter(targets__in=territories)
        .distinct()
        .select_related("questionnaire")
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=Territory.objects.filter(pk__in=[t.pk for t in territories]).order_by(
                    "search_name", "kind", "code"
                ),
                to_attr="officer_targets",
            )
        )
        .order_by("-opening_date", "title", "pk")
    )
    responses = {
        (response.campaign_id, response.territory_id): response
        for response in Response.objects.filter(campaign__in=campaigns, territory__in=territories)
        .select_related("last_saved_by", "submitted_by", "returned_by")
        .prefetch_related(
            # The records a validated response went into, linked from the dashboard.
            Prefetch(
                "promotions",
                queryset=Promotion.objects.select_related("cooperation").order_by(
                    "cooperation__title", "pk"
                ),
            )
        )
    }
    dashboard = Dashboard(territories=territories, open=[], upcoming=[], closed=[])
    for campaign in campaigns:
        is_open = campaign.is_open_on(today)
        row = CampaignRow(
            campaign=campaign,
            assignments=[
                Assignment(campaign, territory, responses.get((campaign.pk, territory.pk)), is_open)
                for territory in campaign.officer_targets
            ],
        )
        if is_open:
            dashboard.open.append(row)
        elif campaign.opening_date > today:
            dashboard.upcoming.append(row)
        else:
            dashboard.closed.append(row)
    return dashboard

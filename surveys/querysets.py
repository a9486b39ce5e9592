"""Reads on the survey app: the chainable methods of each model's `objects`, starting
with the one scoping rule of campaigns and responses (`visible_to`)."""

from django.db import models
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from portal.querysets import StableOrderQuerySet

from .choices import ResponseStatus
from .permissions import is_reviewer


class CampaignQuerySet(models.QuerySet):
    def open_on(self, date):
        """Campaigns accepting responses on `date` (opening and closing days included)."""
        return self.filter(opening_date__lte=date, closing_date__gte=date)

    def visible_to(self, user):
        """Staff see every campaign; officers those targeting one of their territories;
        anonymous users none."""
        if user is None or not user.is_authenticated:
            return self.none()
        if is_reviewer(user):
            return self.all()
        from .models import Campaign

        return self.filter(
            pk__in=Campaign.targets.through.objects.filter(territory__officers__user=user).values(
                "campaign_id"
            )
        )


class ResponseQuerySet(StableOrderQuerySet):
    def visible_to(self, user):
        """The one scoping rule for responses: staff see all, officers the responses of
        their territories, anonymous users none."""
        if user is None or not user.is_authenticated:
            return self.none()
        if is_reviewer(user):
            return self.all()
        from .models import Officer

        return self.filter(territory__in=Officer.objects.filter(user=user).values("territory_id"))

    def for_campaign(self, campaign):
        """Responses to `campaign`."""
        return self.filter(campaign=campaign)

    def validated(self):
        return self.filter(status=ResponseStatus.VALIDATED)

    def in_review_order(self):
        """What awaits a reviewer first (submitted, then returned, drafts, validated), the
        longest waiting first, then by territory name."""
        rank = Case(
            When(status=ResponseStatus.SUBMITTED, then=Value(0)),
            When(status=ResponseStatus.RETURNED, then=Value(1)),
            When(status=ResponseStatus.DRAFT, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
        return self.alias(review_rank=rank).order_by(
            "review_rank", F("submitted_at").asc(nulls_last=True), "territory__search_name"
        )


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Invitations neither accepted nor expired."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class PromotionQuerySet(models.QuerySet):
    def of_validated_responses(self, campaign):
        """The promotions of `campaign`'s validated responses (only a validation promotes;
        a validated response stays validated)."""
        return self.filter(response__campaign=campaign, response__status=ResponseStatus.VALIDATED)

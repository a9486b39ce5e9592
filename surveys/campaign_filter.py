"""The registry's `campaign` filter: the records that a census campaign's validated
responses created or updated (their `Promotion` rows), contributed to the registry's
FilterSet through `cooperation.contributed_filters` from `SurveysConfig.ready()`.

Who may use it: anyone — it only narrows the records the visitor may see anyway
(`Cooperation.objects.visible_to`), so the address of a campaign's statistics works for
whoever receives it. Who is offered it: reviewers only (`is_reviewer`), who get the
campaign chooser on /statistiques/ and the link from their campaign pages; a campaign's
title and its number of validated responses are shown to them alone.
"""

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cooperation.contributed_filters import ContributedFilter, register_filter
from portal.typography import labelled

from .models import Campaign, Promotion, Response
from .permissions import is_reviewer

NAME = "campaign"


def filter_campaign(queryset, name, value):
    """Records promoted from `value`'s validated responses (created or updated by them)."""
    promoted = Promotion.objects.of_validated_responses(value).values("cooperation_id")
    return queryset.filter(pk__in=promoted)


def campaign_options(user) -> list[tuple[str, str]]:
    """The campaigns a reviewer may choose from, the latest first; none for anyone else."""
    if not is_reviewer(user):
        return []
    return [(str(pk), title) for pk, title in Campaign.objects.values_list("pk", "title")]


def campaign_tag(campaign: Campaign, user) -> str:
    name = campaign.title if is_reviewer(user) else _("n° %(number)s") % {"number": campaign.pk}
    return labelled(_("Campagne du recensement"), name)


def campaign_summary(campaign: Campaign, user) -> str:
    """The sentence of /statistiques/: which records are counted; for a reviewer, from
    which campaign and how many validated responses."""
    if not is_reviewer(user):
        return _("Fiches issues des réponses validées d’une campagne du recensement.")
    validated = Response.objects.for_campaign(campaign).validated().count()
    return ngettext(
        "Fiches issues des réponses validées de la campagne « %(title)s » "
        "(%(count)s réponse validée).",
        "Fiches issues des réponses validées de la campagne « %(title)s » "
        "(%(count)s réponses validées).",
        validated,
    ) % {"title": campaign.title, "count": validated}


def register() -> None:
    register_filter(
        ContributedFilter(
            name=NAME,
            filter=django_filters.ModelChoiceFilter(
                label=gettext_lazy("Campagne du recensement"),
                queryset=Campaign.objects.all(),
                method=filter_campaign,
                help_text=gettext_lazy(
                    "Identifiant d’une campagne du recensement : les fiches créées ou mises "
                    "à jour par ses réponses validées."
                ),
            ),
            options=campaign_options,
            empty_label=gettext_lazy("Aucune (tout le registre)"),
            tag=campaign_tag,
            summary=campaign_summary,
        )
    )

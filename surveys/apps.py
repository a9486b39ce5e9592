from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Enquêtes")

    def ready(self) -> None:
        # Large exports are built by the task queue's workers, which rebuild them by kind.
        from jobs.exporters import register

        from .export_requests import CampaignExport

        register(CampaignExport)

        # The registry's reciprocity reads what validated responses declare; a validation
        # drops the registry's cached statistics.
        from django.db.models.signals import post_save

        from cooperation.reciprocity import register_provider

        from .models import Promotion, Response
        from .reciprocity import declaring_territories, statistics_changed, survey_declarations

        register_provider(survey_declarations, declaring_territories)
        for model in (Response, Promotion):
            post_save.connect(
                statistics_changed,
                sender=model,
                dispatch_uid=f"surveys.statistics_changed.{model.__name__}",
            )

        # The registry's selection (list, exports, API, statistics) gains the `campaign`
        # filter: the records of a campaign's validated responses.
        from .campaign_filter import register as register_campaign_filter

        register_campaign_filter()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Coopérations")

    def ready(self) -> None:
        from territories.signals import reference_data_imported

        from .receivers import refresh_partner_relations

        reference_data_imported.connect(
            refresh_partner_relations, dispatch_uid="cooperation.refresh_partner_relations"
        )

        # The /metropoles/ table gains the registry's columns without the geography
        # importing this app (see cooperation.metropolis_figures).
        from .metropolis_figures import register_columns

        register_columns()

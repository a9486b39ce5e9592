from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Coopérations")

    def ready(self) -> None:
        from territories.signals import geometry_imported, reference_data_imported

        from .receivers import refresh_partner_relations

        reference_data_imported.connect(
            refresh_partner_relations, dispatch_uid="cooperation.refresh_partner_relations"
        )
        geometry_imported.connect(
            refresh_partner_relations, dispatch_uid="cooperation.refresh_partner_geometry"
        )

        # The /metropoles/ table gains the registry's columns without the geography
        # importing this app (see cooperation.metropolis_figures).
        from .metropolis_figures import register_columns

        register_columns()

        # The territory pages show the registry's sections (cooperations, network, a
        # métropole's map) without the geography importing this app.
        from .territory_sections import register_sections

        register_sections()

        # Large exports are built by the task queue's workers, which rebuild them by kind.
        from jobs.exporters import register

        from .export_requests import RegistryExport

        register(RegistryExport)

        # Cached figures (facet counts, statistics) are dropped by every write to the
        # registry.
        from .cache_version import connect_invalidation

        connect_invalidation()

        # The /metropoles/ table shows each métropole's average completeness.
        from .completeness import register_column as register_completeness_column

        register_completeness_column()

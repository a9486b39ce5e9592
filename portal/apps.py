from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PortalConfig(AppConfig):
    """Plumbing shared by the apps (no models): backups, rate limits, history helpers."""

    name = "portal"
    verbose_name = "Portail"

    def ready(self):
        from .collation import register_sqlite_collation

        # The French collation that portal.collation.french() names on SQLite.
        connection_created.connect(register_sqlite_collation, dispatch_uid="portal-collation")

"""The order by title follows French collation (portal/collation.py): the index that
serves it must be built with the same collation, whose name differs by database."""

from django.db import migrations

NAME = "cooperation_pub_title_fr_order"


def create_index(apps, schema_editor):
    from portal.collation import POSTGRESQL_COLLATION, SQLITE_COLLATION

    vendor = schema_editor.connection.vendor
    collation = POSTGRESQL_COLLATION if vendor == "postgresql" else SQLITE_COLLATION
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON cooperation_cooperation "
        f'(title COLLATE "{collation}", id) WHERE is_published'
    )


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0006_search_trigram_index")]

    operations = [
        migrations.RemoveIndex(model_name="cooperation", name="cooperation_pub_title_order"),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]

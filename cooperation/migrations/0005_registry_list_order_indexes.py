"""The indexes the registry's default orders need: most recent first with undated records
last (published records for the public, all of them for staff), and by title; a page is
then read in order from the index instead of sorting the whole selection."""

from django.db import migrations, models

START_ORDER = {
    # name: condition
    "cooperation_pub_start_order": "WHERE is_published",
    "cooperation_start_order": "",
}


def create_start_indexes(apps, schema_editor):
    # NULLS LAST as the queries say it on PostgreSQL; SQLite refuses it in an index, and
    # its descending order already puts NULLs last.
    nulls_last = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    for name, condition in START_ORDER.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON cooperation_cooperation "
            f"(start_date DESC{nulls_last}, title, id) {condition}".strip()
        )


def drop_start_indexes(apps, schema_editor):
    for name in START_ORDER:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0004_contiguous_relation"),
        ("territories", "0005_territory_list_order_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="cooperation",
            index=models.Index(
                models.F("title"),
                models.F("id"),
                condition=models.Q(("is_published", True)),
                name="cooperation_pub_title_order",
            ),
        ),
        migrations.RunPython(create_start_indexes, drop_start_indexes, elidable=False),
    ]

"""On PostgreSQL, a trigram index on `search_text` (already lowercased and without accents,
partner names included), which `LIKE '%word%'` — the `q` search — uses instead of reading
every record. Nothing to do on SQLite, which keeps its plain scan."""

from django.db import migrations

INDEX = "cooperation_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON cooperation_cooperation "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0005_registry_list_order_indexes"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]

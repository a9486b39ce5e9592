"""Set-based writes of many rows, at close to the database's own speed.

On PostgreSQL the rows go through `COPY … FROM STDIN` (straight into the table for an
insert; into a temporary staging table, then one `UPDATE … FROM`, for an update); on other
databases through `executemany`. Both run in the caller's transaction, take plain values
per column (adapted by each model field, as the ORM would) and write no history and send
no signal: they are for imports that diff the rows themselves. Model defaults are not
applied: give every column that may not be null.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model


def insert_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert `rows` (one value per name of `fields`, in that order). Returns the count."""
    table, columns, prepare = _columns(model, fields)
    prepared = [prepare(row) for row in rows]
    if not prepared:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, table, columns, prepared)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", prepared
            )
    return len(prepared)


def update_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Set `fields` of the rows given as (primary key, value per field…). Returns the count."""
    key = model._meta.pk.name
    table, columns, prepare = _columns(model, [key, *fields])
    prepared = [prepare(row) for row in rows]
    if not prepared:
        return 0
    quote = connection.ops.quote_name
    key_column, value_columns = columns[0], columns[1:]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = quote(f"staging_{model._meta.db_table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
                f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            _copy(cursor, staging, columns, prepared)
            assignments = ", ".join(f"{column} = staging.{column}" for column in value_columns)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {staging} AS staging "
                f"WHERE {table}.{key_column} = staging.{key_column}"
            )
            cursor.execute(f"DROP TABLE {staging}")
        else:
            assignments = ", ".join(f"{column} = %s" for column in value_columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {key_column} = %s",
                [(*row[1:], row[0]) for row in prepared],
            )
    return len(prepared)


# Fields whose Python values the database drivers take as they are: no adaptation per value
# (calling each field's get_db_prep_save costs more than the COPY itself).
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _columns(model: type[Model], fields: Sequence[str]):
    """The quoted table and columns of `fields`, and a function adapting a row's values."""
    quote = connection.ops.quote_name
    model_fields = [model._meta.get_field(name) for name in fields]
    adapters = [
        None if field.get_internal_type() in PLAIN_TYPES else field.get_db_prep_save
        for field in model_fields
    ]
    if not any(adapters):
        prepare = tuple
    else:

        def prepare(row: Sequence) -> tuple:
            return tuple(
                value if adapt is None else adapt(value, connection)
                for adapt, value in zip(adapters, row, strict=True)
            )

    columns = [quote(field.column) for field in model_fields]
    return quote(model._meta.db_table), columns, prepare


def _copy(cursor, table: str, columns: list[str], rows: list[tuple]) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)

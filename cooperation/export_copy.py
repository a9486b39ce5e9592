"""The registry's CSV and JSON written by PostgreSQL itself: `COPY (…) TO STDOUT`.

Row by row, Python builds about 4,500 CSV rows a second; PostgreSQL's COPY writes the same
rows more than ten times faster. So on PostgreSQL the CSV and JSON exports are one SELECT
that formats every cell the way `cooperation.exports` does — formula escaping, French
labels, dates at their precision, times in the portal's time zone, lists joined with
" | " — and COPY streams its result into the file. Python only adds the BOM and turns
COPY's line ends (LF) into the CRLF of RFC 4180, outside quoted values, as it passes the
blocks on. The result is the same file, byte for byte, as the Python path, which SQLite
keeps (tests/cooperation/test_exports.py runs on both).

The selection is the caller's queryset (scoped, filtered and ordered): its ids, numbered
in its order, lead the SELECT, so the files follow the list page's order.
"""

from __future__ import annotations

from typing import BinaryIO

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone, translation

from portal.pg_copy import CrlfRecords, JsonArray, Progress, copy_to
from portal.tabular import FORMULA_TRIGGERS, UTF8_BOM
from territories.models import Territory

from .export_records import RowContext
from .exports import COOPERATION_COLUMNS, LIST_SEPARATOR, PARTNERSHIP_COLUMNS
from .models import (
    Cooperation,
    CooperationStatus,
    Instrument,
    Origin,
    PartnerRelation,
    Partnership,
    Source,
    Theme,
)

# Columns the portal writes itself (labels, dates, times, links): never formula-like.
GENERATED = {"instrument_label", "status_label", "origin_label", "relation_label"}
GENERATED |= {"start", "end", "created_at", "updated_at", "url", "is_contiguous", "distance_km"}


def supported() -> bool:
    """Whether the database can write the exports itself (PostgreSQL)."""
    return connection.vendor == "postgresql"


# SQL pieces --------------------------------------------------------------------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _cell(expression: str) -> str:
    """A text cell as the CSV writes it: a value a spreadsheet would run as a formula gets
    an apostrophe in front (`ascii()` is the code of the first character, 0 for an empty
    text); an empty value is NULL, which COPY writes as nothing (it would write "")."""
    codes = ", ".join(str(ord(char)) for char in FORMULA_TRIGGERS)
    return (
        f"CASE WHEN ascii({expression}) IN ({codes}) THEN '''' || {expression} "
        f"ELSE NULLIF({expression}, '') END"
    )


def _generated(expression: str) -> str:
    """A cell the portal writes itself (a label, a date, a time, a link), which never
    starts like a formula: only empty becomes NULL."""
    return f"NULLIF({expression}, '')"


def _label(expression: str, choices) -> str:
    """The French label of a choice column ('' for an unknown value)."""
    with translation.override("fr"):
        labels = {value: str(label) for value, label in choices}
    # Labels go out unescaped (see _generated): none may start like a formula.
    if any(label.startswith(FORMULA_TRIGGERS) for label in labels.values()):
        raise ValueError("A label starting like a formula would need escaping.")
    cases = " ".join(
        f"WHEN {_literal(value)} THEN {_literal(text)}" for value, text in labels.items()
    )
    return f"(CASE {expression} {cases} ELSE '' END)"


def _partial_date(date: str, precision: str) -> str:
    """Like `dates.format_partial_date`: "2016", "2016-11" or "2016-11-04"; NULL if unknown."""
    return (
        f"(CASE {precision} WHEN 'year' THEN to_char({date}, 'YYYY') "
        f"WHEN 'month' THEN to_char({date}, 'YYYY-MM') ELSE to_char({date}, 'YYYY-MM-DD') END)"
    )


def _local_time(column: str) -> str:
    """ISO 8601 to the second with the UTC offset, in the portal's time zone, like
    `timezone.localtime(value).isoformat(timespec="seconds")`: "2026-11-26T14:03:05+01:00".
    The zone is named in the expression rather than set on the session, so that the COPY
    is a single statement."""
    zone = _literal(timezone.get_current_timezone_name())
    local = f"timezone({zone}, {column})"
    minutes = f"(EXTRACT(EPOCH FROM {local} - timezone('UTC', {column}))::integer / 60)"
    return (
        f"(to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        f"|| CASE WHEN {minutes} < 0 THEN '-' ELSE '+' END "
        f"|| to_char(make_interval(mins => abs({minutes})), 'HH24:MI'))"
    )


def _siren(alias: str) -> str:
    return f"COALESCE(NULLIF({alias}.siren, ''), {alias}.code)"


def _selection(queryset: QuerySet) -> str:
    """The ids of `queryset` with their position in its order, as a WITH clause.

    The rows are numbered as the queryset returns them: a subquery with an ORDER BY is
    never merged into the query around it, so `row_number() OVER ()` sees its order. The
    outer SELECT takes only the id column, since Django adds the sort keys to the columns
    of a DISTINCT query. (Not `unnest(ARRAY(…)) WITH ORDINALITY`: the planner takes a
    function's result for ten rows, and then joins the million partners one by one.)"""
    sql, params = queryset.values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        inner = cursor.mogrify(sql, params)
    return (
        "WITH selection AS MATERIALIZED (SELECT sel.pk AS id, row_number() OVER () AS position "
        f"FROM ({inner}) AS sel)"
    )


def _lists_sql() -> str:
    """LATERAL joins giving each record `c` its partners, themes and sources, ordered as in
    `export_records.iter_records`: text lists for the CSV, JSON arrays for the JSON."""
    separator = _literal(LIST_SEPARATOR)
    partner_order = "ORDER BY p.position, p.id"
    partner_json = (
        "json_build_object('territory_kind', t.kind, 'territory_code', t.code, "
        "'territory_siren', t.siren, 'territory_name', t.name, "
        "'territory_category', t.category, 'role', p.role, 'relation', p.relation, "
        f"'relation_label', {_label('p.relation', PartnerRelation.choices)}, "
        "'is_contiguous', p.is_contiguous, 'distance_km', p.distance_km)"
    )
    theme_order = "ORDER BY th.position, th.code"
    source_order = "ORDER BY s.position, s.id"
    source_json = (
        "json_build_object('title', s.title, 'publisher', s.publisher, "
        f"'date', {_partial_date('s.published_on', 's.published_precision')}, "
        "'url', s.url, 'note', s.note)"
    )
    return f"""
        LEFT JOIN LATERAL (
            SELECT count(*) AS partner_count,
                   string_agg(t.name, {separator} {partner_order}) AS partners,
                   string_agg(t.kind || ':' || t.code, {separator} {partner_order})
                       AS partner_codes,
                   array_to_json(array_agg({partner_json} {partner_order})) AS partners_json
            FROM {_table(Partnership)} p JOIN {_table(Territory)} t ON t.id = p.territory_id
            WHERE p.cooperation_id = c.id
        ) pa ON true
        LEFT JOIN LATERAL (
            SELECT string_agg(th.code, {separator} {theme_order}) AS themes,
                   string_agg(th.label_fr, {separator} {theme_order}) AS theme_labels,
                   array_to_json(array_agg(
                       json_build_object('code', th.code, 'label', th.label_fr) {theme_order}
                   )) AS themes_json
            FROM {_table(Cooperation.themes.through)} ct
            JOIN {_table(Theme)} th ON th.id = ct.theme_id
            WHERE ct.cooperation_id = c.id
        ) tl ON true
        LEFT JOIN LATERAL (
            SELECT string_agg(s.url, {separator} {source_order}) FILTER (WHERE s.url <> '')
                       AS sources,
                   string_agg(s.title, {separator} {source_order}) AS source_titles,
                   array_to_json(array_agg({source_json} {source_order})) AS sources_json
            FROM {_table(Source)} s WHERE s.cooperation_id = c.id
        ) so ON true"""


def _record_values(context: RowContext) -> dict[str, str]:
    """SQL expression of each `cooperations` column (raw, before CSV or JSON formatting)."""
    head, tail = context.url("\x00").split("\x00")
    return {
        "id": "c.id",
        "slug": "c.slug",
        "title": "c.title",
        "summary": "c.summary",
        "description": "c.description",
        "instrument": "c.instrument",
        "instrument_label": _label("c.instrument", Instrument.choices),
        "status": "c.status",
        "status_label": _label("c.status", CooperationStatus.choices),
        "start": _partial_date("c.start_date", "c.start_precision"),
        "start_precision": "c.start_precision",
        "end": _partial_date("c.end_date", "c.end_precision"),
        "end_precision": "c.end_precision",
        "metropolis_siren": _siren("m"),
        "metropolis_name": "m.name",
        "partner_count": "pa.partner_count",
        "partners": "pa.partners",
        "partner_codes": "pa.partner_codes",
        "themes": "tl.themes",
        "theme_labels": "tl.theme_labels",
        "governance": "c.governance",
        "engineering": "c.engineering",
        "funding": "c.funding",
        "outcomes": "c.outcomes",
        "difficulties": "c.difficulties",
        "uncertainty_notes": "c.uncertainty_notes",
        "sources": "so.sources",
        "source_titles": "so.source_titles",
        "origin": "c.origin",
        "origin_label": _label("c.origin", Origin.choices),
        "origin_detail": "c.origin_label",
        "origin_url": "c.origin_url",
        "is_published": "c.is_published",
        "created_at": _local_time("c.created_at"),
        "updated_at": _local_time("c.updated_at"),
        "url": f"{_literal(head)} || c.slug || {_literal(tail)}",
    }


def _records_query(queryset: QuerySet, columns: list[str], *, joins: str, order: str) -> str:
    """SELECT `columns` for each record `c` of the selection (with its métropole `m`)."""
    return f"""{_selection(queryset)}
        SELECT {", ".join(columns)}
        FROM selection
        JOIN {_table(Cooperation)} c ON c.id = selection.id
        LEFT JOIN {_table(Territory)} m ON m.id = c.metropolis_id
        {joins}
        ORDER BY {order}"""


def cooperations_csv_sql(queryset: QuerySet, context: RowContext) -> str:
    """SELECT of the `cooperations` table, one formatted text (or integer) per column."""
    values = _record_values(context)
    columns = []
    for name in COOPERATION_COLUMNS:
        if name in {"id", "partner_count"}:
            expression = values[name]
        elif name == "is_published":
            expression = "CASE WHEN c.is_published THEN 'true' ELSE 'false' END"
        elif name in GENERATED:
            expression = _generated(values[name])
        else:
            expression = _cell(values[name])
        columns.append(f'{expression} AS "{name}"')
    return _records_query(queryset, columns, joins=_lists_sql(), order="selection.position")


def partnerships_csv_sql(queryset: QuerySet, context: RowContext) -> str:
    """SELECT of the `partnerships` table: one row per partner, records in the selection's
    order, partners in theirs."""
    values = {
        "cooperation_slug": "c.slug",
        "cooperation_title": "c.title",
        "territory_kind": "t.kind",
        "territory_code": "t.code",
        "territory_siren": "t.siren",
        "territory_name": "t.name",
        "territory_category": "t.category",
        "role": "p.role",
        "relation": "p.relation",
        "relation_label": _label("p.relation", PartnerRelation.choices),
        "metropolis_siren": _siren("m"),
        "start": _partial_date("c.start_date", "c.start_precision"),
        "status": "c.status",
        "instrument": "c.instrument",
        "is_contiguous": "CASE p.is_contiguous WHEN true THEN 'true' WHEN false THEN 'false' END",
        "distance_km": "p.distance_km::text",
    }
    columns = [
        f'{(_generated if name in GENERATED else _cell)(values[name])} AS "{name}"'
        for name in PARTNERSHIP_COLUMNS
    ]
    joins = f"""JOIN {_table(Partnership)} p ON p.cooperation_id = c.id
        JOIN {_table(Territory)} t ON t.id = p.territory_id"""
    return _records_query(
        queryset, columns, joins=joins, order="selection.position, p.position, p.id"
    )


def cooperations_json_sql(queryset: QuerySet, context: RowContext) -> str:
    """SELECT of one JSON object per record, as `exports.cooperation_object` builds it."""
    values = _record_values(context)
    nested = {"partners": "pa.partners_json", "themes": "tl.themes_json"}
    nested["sources"] = "so.sources_json"
    nullable = {"start", "start_precision", "end", "end_precision"}
    nullable |= {"metropolis_siren", "metropolis_name"}
    pairs = []
    for name in COOPERATION_COLUMNS:
        if name in {"partner_codes", "theme_labels", "source_titles"}:
            continue
        if name in nested:
            expression = f"COALESCE({nested[name]}, '[]'::json)"
        elif name in nullable:
            expression = f"NULLIF({values[name]}, '')"
        else:
            expression = values[name]
        pairs.append(f"{_literal(name)}, {expression}")
    column = f"json_build_object({', '.join(pairs)})::text"
    return _records_query(queryset, [column], joins=_lists_sql(), order="selection.position")


# COPY --------------------------------------------------------------------------------------


def copy_csv(
    queryset: QuerySet,
    target: BinaryIO,
    *,
    table: str,
    delimiter: str,
    base_url: str,
    progress: Progress | None = None,
) -> None:
    """One table of the selection as CSV into `target`, as `exports.stream_csv` writes it."""
    context = RowContext(base_url)
    build = cooperations_csv_sql if table == "cooperations" else partnerships_csv_sql
    target.write(UTF8_BOM.encode())
    options = f"FORMAT csv, HEADER true, DELIMITER {_literal(delimiter)}"
    copy_to(build(queryset, context), options, CrlfRecords(target, progress))


def copy_json(
    queryset: QuerySet, target: BinaryIO, *, base_url: str, progress: Progress | None = None
) -> None:
    """The selection as a JSON array into `target`, like `exports.stream_json`."""
    target.write(b"[")
    # CSV mode with a quote and a delimiter that JSON text never holds raw (it escapes
    # every control character): each line is the JSON text, untouched.
    options = "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'"
    sql = cooperations_json_sql(queryset, RowContext(base_url))
    copy_to(sql, options, JsonArray(target, progress))
    target.write(b"\n]\n")

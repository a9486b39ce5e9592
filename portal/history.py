"""Who changed a record last, read from its django-simple-history rows.

Writes that can run again (a seed load, a re-promotion, a set-up command) must not undo
what someone did since they last ran: each names its writes with a change reason, and
before updating a record asks whether the record's latest history row is its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max
from django.utils import timezone


def latest_history(model, pks: Iterable[int]) -> dict[int, object]:
    """The latest history row of each of the `pks` of `model` (a model with
    `history = HistoricalRecords()`), by primary key; two queries."""
    pks = list(pks)
    if not pks:
        return {}
    historical = model.history.model
    pk_name = model._meta.pk.attname
    latest_ids = (
        historical.objects.filter(**{f"{pk_name}__in": pks})
        .values(pk_name)
        .annotate(latest=Max("history_id"))
        .values_list("latest", flat=True)
    )
    rows = historical.objects.filter(history_id__in=list(latest_ids)).select_related("history_user")
    return {getattr(row, pk_name): row for row in rows}


def is_written_by(row, reason: str) -> bool:
    """Whether a history row was written by the writer that names its writes `reason`.
    A row without a user nor a reason counts as the writer's own: it comes from a command
    that predates reasons, never from a person (the admin, the API and the survey always
    record who)."""
    if row is None:
        return True
    if row.history_user_id is not None:
        return False
    return (row.history_change_reason or "") in ("", reason)


def describe_change(row) -> str:
    """A history row in words, for a command's output: who, when and why."""
    when = timezone.localtime(row.history_date).strftime("%Y-%m-%d %H:%M")
    user = row.history_user
    who = f" by {user.get_username()}" if user is not None else ""
    why = f" ({row.history_change_reason})" if row.history_change_reason else ""
    return f"changed{who} on {when}{why}"

"""Dates known to a year, a month or a day: many sources give only the year."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class DatePrecision(models.TextChoices):
    YEAR = "year", _("année")
    MONTH = "month", _("mois")
    DAY = "day", _("jour")


def parse_partial_date(value: str) -> tuple[datetime.date | None, str]:
    """ "2016" → (2016-01-01, "year"), "2016-11" → month, "2016-11-04" → day; "" → (None, "")."""
    value = (value or "").strip()
    if not value:
        return None, ""
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise ValidationError(
            _("Date attendue sous la forme AAAA, AAAA-MM ou AAAA-MM-JJ : « %(value)s »."),
            code="invalid_partial_date",
            params={"value": value},
        )
    year, month, day = match.groups()
    try:
        parsed = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        raise ValidationError(
            _("Date impossible : « %(value)s »."), code="invalid_date", params={"value": value}
        ) from error
    precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    return parsed, precision


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """The ISO form at its precision: "2016", "2016-11" or "2016-11-04"; "" when unknown."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def display_partial_date(value: datetime.date | None, precision: str) -> str:
    """Human form in the active language: "2016", "novembre 2016", "4 novembre 2016"."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "DATE_FORMAT")


def period_start(value: datetime.date, precision: str) -> datetime.date:
    """The first day of the period a partial date names (the year, the month or the day)."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def ends_before_start(
    start: datetime.date | None, end: datetime.date | None, end_precision: str
) -> bool:
    """Whether an end date lies before the start, compared at the end's precision: a
    cooperation started on 12 May 2019 may end "in May 2019" or "in 2019"."""
    if start is None or end is None:
        return False
    return end < period_start(start, end_precision)

"""One way of writing dates and times everywhere: pages, e-mails and exports.

- `long_date`: "2 décembre 2026" (English: "December 2, 2026");
- `time_of_day`: "16 h 28", with no-break spaces (English: "16:28");
- `date_and_time`: "2 décembre 2026 à 16 h 28" (English: "December 2, 2026 at 16:28");
- `iso_datetime` / `iso_date`: ISO 8601 in the portal's time zone, for exports and the
  `datetime` attribute of `<time>` ("2026-12-02T16:28:05+01:00").

Datetimes are shown in the portal's time zone (`TIME_ZONE`); every function answers ""
without a value. Templates use the filters of `{% load datetimes %}` of the same names.
"""

from __future__ import annotations

import datetime

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def long_date(value) -> str:
    """A date (or the day of a datetime) written out, with no-break spaces: 2 décembre 2026."""
    if not value:
        return ""
    # Translators: a date format (Django's `date` filter letters): 2 décembre 2026.
    written = dateformat.format(_local(value), pgettext("long date format", "j F Y"))
    # A date is never cut at the end of a line.
    return written.replace(" ", "\u00a0")


def time_of_day(value) -> str:
    """The local time of a datetime as French writes it: 16 h 28, with no-break spaces."""
    if not value:
        return ""
    local = _local(value)
    return _("%(hour)d h %(minute)02d") % {"hour": local.hour, "minute": local.minute}


def date_and_time(value) -> str:
    """A datetime as a date and a time of day: 2 décembre 2026 à 16 h 28."""
    if not value:
        return ""
    return _("%(day)s à %(time)s") % {"day": long_date(value), "time": time_of_day(value)}


def iso_datetime(value) -> str:
    """ISO 8601 in the portal's time zone, to the second: 2026-12-02T16:28:05+01:00."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return _local(value).isoformat(timespec="seconds")
    return value.isoformat()


def iso_date(value) -> str:
    """The day of a date or datetime in ISO 8601: 2026-12-02."""
    if not value:
        return ""
    local = _local(value)
    return (local.date() if isinstance(local, datetime.datetime) else local).isoformat()

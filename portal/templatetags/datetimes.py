"""Template filters writing dates and times the portal's one way (see portal.datetimes):
`{{ value|date_and_time }}`, `|long_date`, `|time_of_day`, `|iso_datetime`, `|iso_date`."""

from django import template

from portal import datetimes

register = template.Library()

for _name in ("long_date", "time_of_day", "date_and_time", "iso_datetime", "iso_date"):
    register.filter(_name, getattr(datetimes, _name))

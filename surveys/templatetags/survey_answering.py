"""Filters of the officers' survey pages (dates and times: `{% load datetimes %}`)."""

from django import template

from portal.datetimes import date_and_time, time_of_day

from ..wording import person_name

register = template.Library()


register.filter("time_of_day", time_of_day)
register.filter("person", person_name)
# The older name of `date_and_time`, kept for the templates that load this library.
register.filter("day_and_time", date_and_time)

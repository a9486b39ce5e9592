"""Filters of the officers' survey pages."""

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def time_of_day(value) -> str:
    """The local time of a datetime as French writes it: 10 h 32."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return _("%(hour)d h %(minute)02d") % {"hour": local.hour, "minute": local.minute}


@register.filter
def day_and_time(value) -> str:
    """A datetime as a date and a time of day: 26 novembre 2025 à 10 h 32."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return _("%(day)s à %(time)s") % {
        "day": formats.date_format(local, "DATE_FORMAT"),
        "time": time_of_day(value),
    }


@register.filter
def person(user) -> str:
    """How a person is named to other officers: full name, else username."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()

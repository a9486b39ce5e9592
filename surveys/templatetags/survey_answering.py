"""Filters of the officers' survey pages."""

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..wording import person_name, time_of_day

register = template.Library()


register.filter("time_of_day", time_of_day)
register.filter("person", person_name)


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

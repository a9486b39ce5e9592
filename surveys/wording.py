"""How the survey names people and times of day, the same in pages, e-mails and the API."""

from django.utils import timezone
from django.utils.translation import gettext as _


def time_of_day(value) -> str:
    """The local time of a datetime as French writes it: 10 h 32, with no-break spaces ("" without
    a value)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return _("%(hour)d h %(minute)02d") % {"hour": local.hour, "minute": local.minute}


def person_name(user) -> str:
    """How a person is named to others: full name, else username ("" without a user)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()

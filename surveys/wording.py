"""How the survey names people and times of day, the same in pages, e-mails and the API
(dates and times: `portal.datetimes`)."""

from portal.datetimes import date_and_time, long_date, time_of_day

__all__ = ["date_and_time", "long_date", "person_name", "time_of_day"]


def person_name(user) -> str:
    """How a person is named to others: full name, else username ("" without a user)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()

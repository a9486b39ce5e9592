"""One date and time format across pages, e-mails and exports (portal.datetimes)."""

import datetime
import zoneinfo

from django.template import Context, Template
from django.utils import translation

from portal.datetimes import date_and_time, iso_date, iso_datetime, long_date, time_of_day
from surveys.services.responses import response_open, response_save, response_submit
from tests.fixtures.surveys import complete_answers

NBSP = "\u00a0"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# 15:28 UTC is 16:28 in Paris in December.
MOMENT = datetime.datetime(2026, 12, 2, 15, 28, 5, tzinfo=datetime.UTC)


def test_french_date_and_time_with_no_break_spaces():
    with translation.override("fr"):
        assert date_and_time(MOMENT) == f"2{NBSP}décembre{NBSP}2026 à 16{NBSP}h{NBSP}28"
        assert long_date(datetime.date(2026, 12, 2)) == f"2{NBSP}décembre{NBSP}2026"
        assert time_of_day(MOMENT) == f"16{NBSP}h{NBSP}28"


def test_english_equivalent():
    with translation.override("en"):
        assert date_and_time(MOMENT) == f"December{NBSP}2,{NBSP}2026 at 16:28"


def test_exports_are_iso_8601_in_the_portal_time_zone():
    assert iso_datetime(MOMENT) == "2026-12-02T16:28:05+01:00"
    assert iso_date(MOMENT) == "2026-12-02"
    assert iso_datetime(None) == "" and date_and_time(None) == ""


def test_template_filters():
    rendered = Template(
        "{% load datetimes %}{{ when|date_and_time }}|{{ when|iso_datetime }}"
    ).render(Context({"when": MOMENT}))
    with translation.override("fr"):
        assert rendered.startswith("2")
    assert rendered.endswith("|2026-12-02T16:28:05+01:00")


def test_no_page_template_uses_another_date_format():
    """Every template writes dates through the shared filters, never `|date:`."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "|date:" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_receipt_email_uses_the_shared_format(
    campaign, brittany, brest_officer, mailoutbox, django_capture_on_commit_callbacks
):
    response = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )
    response = response_save(
        response=response, answers=complete_answers(), version=response.version, user=brest_officer
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = response_submit(response=response, user=brest_officer)
    with translation.override("fr"):
        expected = date_and_time(response.submitted_at)
    assert f"Transmise le{NBSP}: {expected}" in mailoutbox[0].body
    assert f"{NBSP}h{NBSP}" in expected

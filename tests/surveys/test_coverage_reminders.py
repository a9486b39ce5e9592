"""Coverage page: territories without an officer shown plainly with the invitation action;
a second reminder within SURVEY_REMINDER_INTERVAL_HOURS needs a confirmation."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from surveys.models import Reminder
from surveys.services.reminders import campaign_remind
from tests.surveys import test_review as review_tests

# The coverage fixtures of the review tests.
coverage_campaign = review_tests.coverage_campaign
saint_etienne_officer = review_tests.saint_etienne_officer
coverage_url = review_tests.coverage_url


def test_territories_without_officer_have_the_invitation_beside_them(
    client,
    reviewer,
    coverage_campaign,
    brittany,
):
    client.force_login(reviewer)
    html = client.get(coverage_url(coverage_campaign)).content.decode()
    quimper = brittany["quimper_agglo"]
    invite = f"{reverse('admin:surveys_invitation_add')}?territories={quimper.pk}"
    row = html[html.index(f'data-territory="{quimper.kind}:{quimper.code}"') :]
    row = row[: row.index("</tr>")]
    assert "Aucun référent" in row
    assert invite in row
    # And in the reminders' section, by name.
    alert = html[html.index('id="without-officers"') :]
    alert = alert[: alert.index("</div>")]
    assert "CA Quimper Bretagne Occidentale" in alert and invite in alert


def test_a_second_reminder_within_the_interval_needs_a_confirmation(
    reviewer,
    coverage_campaign,
    brittany,
    django_capture_on_commit_callbacks,
):
    remind = {"campaign": coverage_campaign, "sender": reviewer, "base_url": "http://testserver"}
    with django_capture_on_commit_callbacks(execute=True):
        first = campaign_remind(**remind)
    assert len(first.reminders) == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = campaign_remind(**remind)
    assert again.reminders == []
    assert again.recently_reminded == [brittany["saint_etienne_metropole"]]
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = campaign_remind(**remind, remind_recent=True)
    assert len(confirmed.reminders) == 1 and len(mail.outbox) == 1


def test_the_interval_is_a_setting(
    reviewer,
    coverage_campaign,
    settings,
):
    settings.SURVEY_REMINDER_INTERVAL_HOURS = 72
    remind = {"campaign": coverage_campaign, "sender": reviewer, "base_url": "http://testserver"}
    campaign_remind(**remind)
    Reminder.objects.update(sent_at=timezone.now() - datetime.timedelta(hours=73))
    assert len(campaign_remind(**remind).reminders) == 1
    settings.SURVEY_REMINDER_INTERVAL_HOURS = 0
    assert len(campaign_remind(**remind).reminders) == 1


def test_the_page_refuses_a_second_reminder_without_the_box_ticked(
    client,
    reviewer,
    coverage_campaign,
):
    client.force_login(reviewer)
    client.post(coverage_url(coverage_campaign))
    page = client.get(coverage_url(coverage_campaign), {"confirmer": "relancer"})
    html = page.content.decode()
    assert "Relancer aussi le territoire déjà relancé il y a moins de 72 heures" in html
    page = client.post(coverage_url(coverage_campaign), follow=True)
    assert "Déjà relancé il y a moins de 72 heures" in page.content.decode()
    assert Reminder.objects.count() == 1
    client.post(coverage_url(coverage_campaign), {"remind_recent": "1"})
    assert Reminder.objects.count() == 2

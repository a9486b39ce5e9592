"""Inviting officers: the services, the acceptance page and the admin."""

import datetime
import hashlib
import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from surveys.models import Invitation, Officer
from surveys.services.invitations import invitation_accept, invitation_send

pytestmark = pytest.mark.django_db

BASE_URL = "https://cooperations.example.org"
PASSWORD = "Cooperation-Brest-2024"
LINK = re.compile(r"(\S+/compte/invitation/([A-Za-z0-9_-]+)/)")
NBSP = "\u00a0"


def link_in(message) -> tuple[str, str]:
    """The link and the token of an invitation e-mail."""
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1), match.group(2)


@pytest.fixture
def invite(brittany, reviewer, django_capture_on_commit_callbacks):
    """Send an invitation as the reviewer; returns (invitation, token)."""

    def send(email="anne.legall@brest-metropole.fr", territories=None):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invitation_send(
                email=email,
                territories=territories or [brittany["brest_metropole"]],
                invited_by=reviewer,
                base_url=BASE_URL,
            )
        return invitation, link_in(mail.outbox[-1])[1]

    return send


def accept(token, password=PASSWORD, confirmation=None, **names):
    return invitation_accept(
        token=token,
        password1=password,
        password2=password if confirmation is None else confirmation,
        **names,
    )


# invitation_send


def test_invitation_email_is_french_with_an_absolute_single_use_link(invite, reviewer, settings):
    settings.INVITATION_TTL_DAYS = 14
    reviewer.first_name, reviewer.last_name = "Claire", "Martin"
    reviewer.save()

    invitation, token = invite(email=" Anne.LeGall@Brest-Metropole.fr ")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anne.legall@brest-metropole.fr"]
    assert message.subject == "Invitation au recensement des coopérations interterritoriales"
    assert "Claire Martin vous invite à répondre au recensement" in message.body
    assert f"pour{NBSP}:\n- Brest Métropole\n" in message.body
    assert link_in(message)[0] == f"{BASE_URL}/compte/invitation/{token}/"
    assert invitation.email == "anne.legall@brest-metropole.fr"
    assert invitation.invited_by == reviewer
    lifetime = invitation.expires_at - invitation.created_at
    assert datetime.timedelta(days=13, hours=23) < lifetime <= datetime.timedelta(days=14)


def test_invitation_token_is_stored_only_hashed(invite):
    invitation, token = invite()

    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(value) for value in Invitation.objects.values().get(pk=invitation.pk).values()]
    assert not any(token in value for value in stored)


def test_invitation_email_waits_for_the_commit(
    brittany, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation_send(
            email="anne@example.org",
            territories=[brittany["brest_metropole"]],
            invited_by=reviewer,
            base_url=BASE_URL,
        )

    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["", "anne", "anne@", "anne @example.org"])
def test_invitation_without_valid_email_or_territory_is_refused(reviewer, email):
    with pytest.raises(ValidationError) as caught:
        invitation_send(email=email, territories=[], invited_by=reviewer, base_url=BASE_URL)

    assert caught.value.message_dict == {
        "email": ["Saisissez une adresse électronique valide."],
        "territories": ["Choisissez au moins un territoire."],
    }
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_reinvitation_makes_the_previous_link_unusable(invite):
    first, first_token = invite()
    second, second_token = invite(email="ANNE.legall@brest-metropole.fr")

    first.refresh_from_db()
    assert not first.is_usable
    assert second.is_usable
    assert list(Invitation.objects.pending()) == [second]
    with pytest.raises(ValidationError) as caught:
        accept(first_token)
    assert caught.value.code == "invitation_expired"
    assert accept(second_token).username == "anne.legall@brest-metropole.fr"


# invitation_accept


def test_accepting_creates_the_account_and_every_officer_membership(invite, brittany):
    territories = [brittany["brest_metropole"], brittany["saint_etienne_metropole"]]
    invitation, token = invite(territories=territories)

    user = accept(token, first_name=" Anne ", last_name="Le Gall")

    assert user.username == user.email == "anne.legall@brest-metropole.fr"
    assert (user.first_name, user.last_name) == ("Anne", "Le Gall")
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    assert set(Officer.objects.filter(user=user).values_list("territory", flat=True)) == {
        territory.pk for territory in territories
    }
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert invitation.user == user


def test_invitation_link_works_only_once(invite):
    _invitation, token = invite()
    accept(token)

    with pytest.raises(ValidationError) as caught:
        accept(token, password="Another-Password-2024")

    assert caught.value.code == "invitation_used"
    assert "déjà été utilisé" in caught.value.messages[0]
    user = get_user_model().objects.get(username="anne.legall@brest-metropole.fr")
    assert user.check_password(PASSWORD)


def test_expired_link_is_refused_and_creates_nothing(invite):
    invitation, token = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    with pytest.raises(ValidationError) as caught:
        accept(token)

    assert caught.value.code == "invitation_expired"
    assert "a expiré" in caught.value.messages[0]
    assert not get_user_model().objects.filter(email="anne.legall@brest-metropole.fr").exists()
    assert not Officer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_acceptances_of_one_link_make_one_account(invite):
    _invitation, token = invite()
    outcomes = []

    def accept_once(barrier):
        try:
            if barrier is not None:
                barrier.wait()
            accept(token)
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            if barrier is not None:
                connection.close()

    if connection.vendor == "postgresql":
        # Row locks are real here: both threads race for the same invitation.
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=accept_once, args=(barrier,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        # SQLite serialises writers (and ignores select_for_update): the sequential case.
        accept_once(None)
        accept_once(None)

    assert sorted(outcomes) == ["accepted", "invitation_used"]
    assert get_user_model().objects.filter(email="anne.legall@brest-metropole.fr").count() == 1


@pytest.mark.parametrize("token", ["", "unknown-token", "x" * 500])
def test_unknown_link_is_refused(db, token):
    with pytest.raises(ValidationError) as caught:
        accept(token)

    assert caught.value.code == "invitation_unknown"


@pytest.mark.parametrize(
    ("password", "confirmation", "errors"),
    [
        ("1234", "1234", {"password1"}),
        ("", "", {"password1"}),
        ("anne.legall", "anne.legall", {"password1"}),
        (PASSWORD, PASSWORD + "x", {"password2"}),
        ("short", "other", {"password1", "password2"}),
    ],
)
def test_weak_or_mismatched_password_is_a_field_error_and_writes_nothing(
    invite, password, confirmation, errors
):
    invitation, token = invite()

    with pytest.raises(ValidationError) as caught:
        accept(token, password=password, confirmation=confirmation, first_name="Anne")

    assert set(caught.value.message_dict) == errors
    assert not get_user_model().objects.filter(email="anne.legall@brest-metropole.fr").exists()
    assert not Officer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert invitation.is_usable


def test_second_invitation_for_another_territory_adds_to_the_same_user(invite, brittany):
    _invitation, token = invite(territories=[brittany["brest_metropole"]])
    user = accept(token)
    _invitation, token = invite(territories=[brittany["quimper_agglo"]])

    again = accept(token, password="Yet-Another-Password-2025")

    assert again.pk == user.pk
    assert again.check_password("Yet-Another-Password-2025")
    assert set(Officer.objects.filter(user=user).values_list("territory__name", flat=True)) == {
        "Brest Métropole",
        "CA Quimper Bretagne Occidentale",
    }


def test_accepting_reuses_the_account_that_has_the_address(invite, brest_officer, brittany):
    _invitation, token = invite(
        email="BREST@example.org", territories=[brittany["saint_etienne_metropole"]]
    )

    user = accept(token)

    assert user.pk == brest_officer.pk
    assert user.username == "brest"
    assert user.check_password(PASSWORD)
    assert get_user_model().objects.count() == 2  # the officer and the reviewer
    assert Officer.objects.filter(user=user).count() == 2


def test_deactivated_account_cannot_accept(invite, brest_officer):
    brest_officer.is_active = False
    brest_officer.save()
    invitation, token = invite(email="brest@example.org")

    with pytest.raises(ValidationError) as caught:
        accept(token)

    assert caught.value.code == "account_inactive"
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# The acceptance page


def page_url(token):
    return reverse("accounts:invitation", kwargs={"token": token})


def test_invitation_page_shows_who_invites_whom_for_what(client, invite, brittany, reviewer):
    _invitation, token = invite(
        territories=[brittany["saint_etienne_metropole"], brittany["brest_metropole"]]
    )

    response = client.get(page_url(token))

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Invitation au recensement</h1>" in content
    assert "reviewer@example.org invite <strong>anne.legall@brest-metropole.fr</strong>" in content
    assert content.index("Brest Métropole") < content.index("Saint-Étienne Métropole")
    for label in ["Prénom", "Nom", "Mot de passe", "Confirmation du mot de passe"]:
        assert re.search(rf'<label class="fr-label" for="id_\w+">\s*{label}\b', content), label
    assert "Vous avez déjà un compte" not in content
    assert "no-cache" in response.headers["Cache-Control"]


def test_invitation_page_says_when_the_address_already_has_an_account(
    client, invite, brest_officer
):
    _invitation, token = invite(email="brest@example.org")

    response = client.get(page_url(token))

    assert response.status_code == 200
    assert "Vous avez déjà un compte" in response.content.decode()
    assert f"identifiant{NBSP}: brest" in response.content.decode()


def test_accepting_on_the_page_signs_in_and_goes_to_the_surveys(client, invite):
    _invitation, token = invite()

    response = client.post(
        page_url(token),
        {
            "first_name": "Anne",
            "last_name": "Le Gall",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response.url == "/enquetes/"
    user = get_user_model().objects.get(username="anne.legall@brest-metropole.fr")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"
    assert "Anne Le Gall" in client.get("/").content.decode()


def test_weak_password_on_the_page_keeps_the_names_and_shows_the_error_by_the_field(client, invite):
    _invitation, token = invite()

    response = client.post(
        page_url(token),
        {"first_name": "Anne", "last_name": "Le Gall", "password1": "123", "password2": "123"},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="Anne"' in content
    assert 'value="Le Gall"' in content
    assert 'value="123"' not in content
    errors = re.search(r'<div id="id_password1-errors">(.*?)</div>', content, re.S).group(1)
    assert "Ce mot de passe est trop court" in errors
    assert not get_user_model().objects.filter(email="anne.legall@brest-metropole.fr").exists()


@pytest.mark.parametrize("state", ["used", "expired", "unknown"])
def test_unusable_link_shows_a_clear_page_with_status_410(client, invite, state):
    invitation, token = invite()
    if state == "used":
        accept(token)
    elif state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    else:
        token = "not-a-token"
    users_before = get_user_model().objects.count()

    for response in [
        client.get(page_url(token)),
        client.post(page_url(token), {"password1": PASSWORD, "password2": PASSWORD}),
    ]:
        assert response.status_code == 410
        content = response.content.decode()
        assert "Ce lien d’invitation a expiré ou a déjà été utilisé." in content
        assert reverse("accounts:login") in content
        assert reverse("accounts:password_reset") in content
    assert get_user_model().objects.count() == users_before
    assert "_auth_user_id" not in client.session


# The admin


def test_admin_add_form_sends_the_invitation(
    admin_client, admin_user, brittany, django_capture_on_commit_callbacks
):
    add_url = reverse("admin:surveys_invitation_add")
    page = admin_client.get(add_url)
    assert page.status_code == 200
    assert "admin-autocomplete" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            add_url,
            {
                "email": "anne.legall@brest-metropole.fr",
                "territories": [brittany["brest_metropole"].pk, brittany["quimper_agglo"].pk],
            },
        )

    assert response.status_code == 302
    assert response.url == reverse("admin:surveys_invitation_changelist")
    invitation = Invitation.objects.get()
    assert invitation.invited_by == admin_user
    assert invitation.territories.count() == 2
    assert len(mail.outbox) == 1
    link, _token = link_in(mail.outbox[0])
    assert link.startswith("http://testserver/compte/invitation/")
    listing = admin_client.get(response.url).content.decode()
    assert "Invitation envoyée à anne.legall@brest-metropole.fr." in listing


def test_admin_add_form_without_territory_shows_the_error(admin_client):
    response = admin_client.post(
        reverse("admin:surveys_invitation_add"), {"email": "not-an-address", "territories": []}
    )

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"email", "territories"}
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_admin_lists_invitations_with_their_status(admin_client, invite):
    _accepted, token = invite(email="accepted@example.org")
    accept(token)
    expired, _token = invite(email="expired@example.org")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    invite(email="pending@example.org")

    changelist = reverse("admin:surveys_invitation_changelist")
    content = admin_client.get(changelist).content.decode()
    for status in ["en attente", "acceptée", "expirée"]:
        assert status in content
    pending_only = admin_client.get(changelist, {"status": "pending"}).content.decode()
    assert "pending@example.org" in pending_only
    assert "expired@example.org" not in pending_only


def test_admin_resend_action_sends_a_fresh_link(
    admin_client, invite, django_capture_on_commit_callbacks
):
    old, _old_token = invite()
    used, used_token = invite(email="done@example.org")
    accept(used_token)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:surveys_invitation_changelist"),
            {"action": "resend", "_selected_action": [old.pk, used.pk]},
            follow=True,
        )

    assert response.status_code == 200
    content = response.content.decode()
    assert "1 invitation renvoyée." in content
    assert "1 invitation déjà acceptée n’a pas été renvoyée." in content
    assert [message.to for message in mail.outbox] == [["anne.legall@brest-metropole.fr"]]
    old.refresh_from_db()
    assert not old.is_usable
    fresh = Invitation.objects.pending().get(email="anne.legall@brest-metropole.fr")
    assert list(fresh.territories.all()) == list(old.territories.all())
    _link, token = link_in(mail.outbox[0])
    assert accept(token).email == "anne.legall@brest-metropole.fr"

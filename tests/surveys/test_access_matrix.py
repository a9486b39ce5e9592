"""Who may use each survey page and API endpoint: one table, every route by every actor.

Actors: an anonymous visitor, the officer of Brest Métropole (territory A), and a staff
member (reviewer). A route that acts on a territory's object appears twice: on A's
object (Brest's response, a campaign asking Brest) and on B's (Saint-Étienne's response,
a campaign asking only Saint-Étienne), so the officer's column reads "officer of A on A's
objects" and "officer of A on B's objects".

Every request is checked for its status code and where it leads, for what it shows (the
officer never sees a word of B's answers, the anonymous visitor none at all) and for what
it writes: a refused request writes nothing (responses, reminders, registry records,
passwords, e-mails), an accepted write writes what it says.

`test_every_survey_route_is_in_the_access_table` fails when a route is added to
surveys/urls.py, to the survey API or to the signed-in pages of surveys/account_urls.py
without its row here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from cooperation.models import Cooperation
from surveys import account_urls
from surveys import urls as survey_urls
from surveys.api.urls import router as survey_api_router
from surveys.models import Promotion, Reminder, Response, ResponseStatus
from surveys.services.responses import response_open, response_save, response_submit
from tests.fixtures.surveys import complete_answers, make_campaign

# Outcomes -----------------------------------------------------------------------------------

LOGIN = "login"  # 302 to /compte/connexion/?next=<the page>
# 200: the sign-in page, carrying the posted step in its form; nothing stored.
SIGN_IN = "sign-in"
JSON_401 = "401"  # the API's refusal without credentials: JSON, a `detail`, no data
OK = "200"
REDIRECT = "302"  # done (or a link followed): redirected to the route's next page
FORBIDDEN = "403"
NOT_FOUND = "404"
DENIED = {LOGIN, SIGN_IN, JSON_401, FORBIDDEN, NOT_FOUND}

A, B = "A", "B"  # whose object: Brest Métropole's, Saint-Étienne Métropole's
ACTORS = ("anonymous", "officer", "staff")

# Words only B's objects contain (the officer of A must never see them), and words of
# either territory's answers (the anonymous visitor must see none).
SECRET = {A: "Anne Le Gall", B: "Sophie Martin"}
CAMPAIGN_B_TITLE = "Enquête stéphanoise"
NEW_PASSWORD = "Cooperation-Nouveau-2025"
RETURN_NOTE = "Précisez le financement."
CORRECTED_NAME = "Nom corrigé"


@dataclass(frozen=True)
class Route:
    """One row: a route, a method, whose object, and what each actor gets."""

    name: str
    method: str
    owner: str | None
    anonymous: str
    officer: str
    staff: str
    variant: str = ""  # tells apart rows of one route: "return" / "validate", "csv" / "ods"
    state: str = "draft"  # the responses' status before the request: "draft", "submitted"

    @property
    def label(self) -> str:
        parts = [self.name.split(":")[-1], self.method, self.variant, self.owner or ""]
        return "-".join(part for part in parts if part)

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


ROUTES = [
    # Officers' pages (surveys/views/answering.py).
    Route("surveys:home", "GET", None, LOGIN, OK, OK),
    Route("surveys:answer", "GET", A, LOGIN, OK, OK),
    Route("surveys:answer", "GET", B, LOGIN, NOT_FOUND, OK),
    Route("surveys:answer", "POST", A, SIGN_IN, REDIRECT, REDIRECT),
    Route("surveys:answer", "POST", B, SIGN_IN, NOT_FOUND, REDIRECT),
    Route("surveys:receipt", "GET", A, LOGIN, OK, OK, state="submitted"),
    Route("surveys:receipt", "GET", B, LOGIN, NOT_FOUND, OK, state="submitted"),
    Route("surveys:print", "GET", A, LOGIN, OK, OK, state="submitted"),
    Route("surveys:print", "GET", B, LOGIN, NOT_FOUND, OK, state="submitted"),
    Route("surveys:response", "GET", A, LOGIN, REDIRECT, REDIRECT),
    Route("surveys:response", "GET", B, LOGIN, NOT_FOUND, REDIRECT),
    # Reviewers' pages (surveys/views/review.py, exports.py): staff only.
    Route("surveys:review_queue", "GET", None, LOGIN, FORBIDDEN, OK),
    Route("surveys:review_response", "GET", A, LOGIN, FORBIDDEN, OK),
    Route("surveys:review_response", "GET", B, LOGIN, FORBIDDEN, OK),
    Route("surveys:review_response", "POST", A, LOGIN, FORBIDDEN, REDIRECT, "return", "submitted"),
    Route("surveys:review_response", "POST", B, LOGIN, FORBIDDEN, REDIRECT, "return", "submitted"),
    Route(
        "surveys:review_response", "POST", A, LOGIN, FORBIDDEN, REDIRECT, "validate", "submitted"
    ),
    Route(
        "surveys:review_response", "POST", B, LOGIN, FORBIDDEN, REDIRECT, "validate", "submitted"
    ),
    Route("surveys:review_campaigns", "GET", None, LOGIN, FORBIDDEN, OK),
    Route("surveys:coverage", "GET", A, LOGIN, FORBIDDEN, OK),
    Route("surveys:coverage", "GET", B, LOGIN, FORBIDDEN, OK),
    Route("surveys:coverage", "POST", A, LOGIN, FORBIDDEN, REDIRECT, "remind"),
    Route("surveys:coverage", "POST", B, LOGIN, FORBIDDEN, REDIRECT, "remind"),
    Route("surveys:question_tallies", "GET", A, LOGIN, FORBIDDEN, OK),
    Route("surveys:question_tallies", "GET", B, LOGIN, FORBIDDEN, OK),
    Route("surveys:question_tallies_csv", "GET", A, LOGIN, FORBIDDEN, OK),
    Route("surveys:question_tallies_csv", "GET", B, LOGIN, FORBIDDEN, OK),
    Route("surveys:review_export", "GET", A, LOGIN, FORBIDDEN, OK, "csv"),
    Route("surveys:review_export", "GET", A, LOGIN, FORBIDDEN, OK, "xlsx"),
    Route("surveys:review_export", "GET", A, LOGIN, FORBIDDEN, OK, "ods"),
    Route("surveys:review_export", "GET", B, LOGIN, FORBIDDEN, OK, "csv"),
    Route("surveys:review_export", "GET", B, LOGIN, FORBIDDEN, OK, "xlsx"),
    Route("surveys:review_export", "GET", B, LOGIN, FORBIDDEN, OK, "ods"),
    # Signed-in account pages (surveys/account_urls.py).
    Route("accounts:password_change", "GET", None, LOGIN, OK, OK),
    Route("accounts:password_change", "POST", None, LOGIN, REDIRECT, REDIRECT),
    Route("accounts:password_change_done", "GET", None, LOGIN, OK, OK),
    # API (surveys/api/): a session, as the answer page's autosave uses.
    Route("campaign-list", "GET", None, JSON_401, OK, OK),
    Route("campaign-detail", "GET", A, JSON_401, OK, OK),
    Route("campaign-detail", "GET", B, JSON_401, NOT_FOUND, OK),
    Route("response-list", "GET", None, JSON_401, OK, OK),
    Route("response-detail", "GET", A, JSON_401, OK, OK),
    Route("response-detail", "GET", B, JSON_401, NOT_FOUND, OK),
    Route("response-detail", "PATCH", A, JSON_401, OK, OK),
    Route("response-detail", "PATCH", B, JSON_401, NOT_FOUND, OK),
    Route("response-submit", "POST", A, JSON_401, OK, OK),
    Route("response-submit", "POST", B, JSON_401, NOT_FOUND, OK),
]

# Pages of surveys/account_urls.py open to anyone (signing in, resetting a forgotten
# password, accepting an invitation): not about survey data, so not in the table.
PUBLIC_ACCOUNT_PAGES = {
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:invitation",
}


# The world ----------------------------------------------------------------------------------


@dataclass
class World:
    campaigns: dict  # A: asks Brest and Saint-Étienne; B: asks only Saint-Étienne
    territories: dict
    officers: dict
    responses: dict
    users: dict  # by actor

    def refresh(self) -> None:
        for response in self.responses.values():
            response.refresh_from_db()


@pytest.fixture
def world(campaign, census, brittany, brest_officer, make_user, reviewer, themes):
    """Brest's and Saint-Étienne's responses to the campaign asking both, complete drafts
    that differ by their respondent's name; a second campaign asks only Saint-Étienne."""
    territories = {A: brittany["brest_metropole"], B: brittany["saint_etienne_metropole"]}
    officers = {A: brest_officer, B: make_user("saint-etienne", territories=[territories[B]])}
    responses = {}
    for owner in (A, B):
        answers = complete_answers()
        answers["respondent"]["respondent_name"] = SECRET[owner]
        response = response_open(
            campaign=campaign, territory=territories[owner], user=officers[owner]
        )
        responses[owner] = response_save(
            response=response, answers=answers, version=response.version, user=officers[owner]
        )
    campaign_b = make_campaign(census, [territories[B]], title=CAMPAIGN_B_TITLE)
    return World(
        campaigns={A: campaign, B: campaign_b},
        territories=territories,
        officers=officers,
        responses=responses,
        users={"anonymous": None, "officer": brest_officer, "staff": reviewer},
    )


def prepare(route: Route, world: World) -> None:
    if route.state == "submitted":
        for owner in (A, B):
            response_submit(response=world.responses[owner], user=world.officers[owner])
    world.refresh()


# Requests -----------------------------------------------------------------------------------


def page_kwargs(world: World, owner: str) -> dict:
    """The address of a territory's answer page (and receipt) in the shared campaign."""
    territory = world.territories[owner]
    return {"campaign_id": world.campaigns[A].pk, "kind": territory.kind, "code": territory.code}


def answer_url(world: World, owner: str) -> str:
    return reverse("surveys:answer", kwargs=page_kwargs(world, owner))


def url_of(route: Route, world: World) -> str:
    owner = route.owner
    if route.name in ("surveys:answer", "surveys:receipt", "surveys:print"):
        return reverse(route.name, kwargs=page_kwargs(world, owner))
    if route.name in ("surveys:response", "response-detail", "response-submit"):
        return reverse(route.name, kwargs={"pk": world.responses[owner].pk})
    if route.name == "surveys:review_response":
        return reverse(route.name, kwargs={"response_id": world.responses[owner].pk})
    if route.name in (
        "surveys:coverage",
        "surveys:question_tallies",
        "surveys:question_tallies_csv",
    ):
        return reverse(route.name, kwargs={"campaign_id": world.campaigns[owner].pk})
    if route.name == "surveys:review_export":
        return reverse(
            route.name, kwargs={"campaign_id": world.campaigns[owner].pk, "fmt": route.variant}
        )
    if route.name == "campaign-detail":
        return reverse(route.name, kwargs={"pk": world.campaigns[owner].pk})
    assert owner is None, route
    return reverse(route.name)


def send(client: Client, route: Route, url: str, world: World):
    if route.name == "surveys:answer" and route.method == "POST":
        return client.post(
            url,
            {
                "_step": "respondent",
                "_version": str(world.responses[route.owner].version),
                "_action": "save",
                "respondent.respondent_name": CORRECTED_NAME,
                "respondent.respondent_role": "Chargée de mission",
            },
        )
    if route.name == "surveys:review_response" and route.method == "POST":
        if route.variant == "return":
            return client.post(url, {"action": "return", "notes": RETURN_NOTE})
        return client.post(url, {"action": "validate"})
    if route.name == "surveys:coverage" and route.method == "POST":
        return client.post(url)
    if route.name == "accounts:password_change" and route.method == "POST":
        return client.post(
            url,
            {"old_password": "x", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    if route.method == "PATCH":
        answers = complete_answers()
        answers["respondent"]["respondent_name"] = CORRECTED_NAME
        body = {"version": world.responses[route.owner].version, "answers": answers}
        return client.patch(url, json.dumps(body), content_type="application/json")
    if route.method == "POST":
        return client.post(url, content_type="application/json")
    assert route.method == "GET", route
    return client.get(url)


def body_of(answer) -> bytes:
    if answer.streaming:
        return b"".join(answer.streaming_content)
    return answer.content


def database_state() -> dict:
    """Everything a survey route could write."""
    return {
        "responses": list(
            Response.objects.order_by("pk").values_list(
                "pk", "status", "version", "answers", "reviewer_notes", "submitted_at"
            )
        ),
        "reminders": Reminder.objects.count(),
        "promotions": Promotion.objects.count(),
        "cooperations": Cooperation.objects.count(),
        "passwords": list(
            get_user_model().objects.order_by("pk").values_list("username", "password")
        ),
        "mails": len(mail.outbox),
    }


# Expected effects ---------------------------------------------------------------------------


def expected_location(route: Route, world: World, url: str) -> str:
    if route.name == "surveys:answer":
        return f"{url}?etape=respondent"
    if route.name == "surveys:response":
        return answer_url(world, route.owner)
    if route.name in ("surveys:review_response", "surveys:coverage"):
        return url
    if route.name == "accounts:password_change":
        return reverse("accounts:password_change_done")
    raise AssertionError(f"No redirect expected from {route.label}")


def assert_written(route: Route, world: World, actor: str) -> None:
    """What an accepted write changed."""
    world.refresh()
    user = world.users[actor]
    response = world.responses.get(route.owner)
    if route.name in ("surveys:answer", "response-detail"):
        assert response.answers["respondent"]["respondent_name"] == CORRECTED_NAME
        assert response.last_saved_by == user
    elif route.name == "surveys:review_response" and route.variant == "return":
        assert response.status == ResponseStatus.RETURNED
        assert response.reviewer_notes == RETURN_NOTE
    elif route.name == "surveys:review_response":
        assert response.status == ResponseStatus.VALIDATED
        assert Promotion.objects.filter(response=response).exists()
    elif route.name == "surveys:coverage":
        reminded = set(
            Reminder.objects.filter(campaign=world.campaigns[route.owner]).values_list(
                "territory", flat=True
            )
        )
        assert reminded == {t.pk for t in world.campaigns[route.owner].targets.all()}
        assert mail.outbox
    elif route.name == "response-submit":
        assert response.status == ResponseStatus.SUBMITTED
        assert response.submitted_by == user
        assert [message.to for message in mail.outbox] == [[user.email]]
    elif route.name == "accounts:password_change":
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
    else:
        raise AssertionError(f"No write expected from {route.label}")


EXPORT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def assert_shown(route: Route, world: World, actor: str, answer, content: bytes) -> None:
    """What an allowed read shows: lists scoped to the actor, the right document."""
    visible = {A} if actor == "officer" else {A, B}
    if route.name == "campaign-list":
        ids = {item["id"] for item in answer.json()["results"]}
        assert ids == {world.campaigns[owner].pk for owner in visible}
    elif route.name == "response-list":
        ids = {item["id"] for item in answer.json()["results"]}
        assert ids == {world.responses[owner].pk for owner in visible}
    elif route.name in ("campaign-detail", "response-detail"):
        assert (
            answer.json()["id"]
            == (world.campaigns if route.name == "campaign-detail" else world.responses)[
                route.owner
            ].pk
        )
    elif route.name == "surveys:review_export":
        assert answer["Content-Type"].startswith(EXPORT_TYPES[route.variant])
        assert "attachment" in answer["Content-Disposition"]
    elif route.name in ("surveys:answer", "surveys:receipt", "surveys:print"):
        assert world.territories[route.owner].name in content.decode()
    elif route.name == "surveys:home" and actor == "officer":
        assert answer_url(world, A) in content.decode()


# The table, as tests ------------------------------------------------------------------------

CASES = [
    pytest.param(route, actor, id=f"{route.label}-{actor}-{getattr(route, actor)}")
    for route in ROUTES
    for actor in ACTORS
]


@pytest.mark.parametrize(("route", "actor"), CASES)
def test_each_actor_gets_what_the_access_table_says_on_every_survey_route(
    route, actor, world, django_capture_on_commit_callbacks
):
    expected = getattr(route, actor)
    prepare(route, world)
    client = Client()
    if world.users[actor] is not None:
        client.force_login(world.users[actor])
    url = url_of(route, world)
    before = database_state()

    # E-mails leave once the transaction commits: let them, to see any that would.
    with django_capture_on_commit_callbacks(execute=True):
        answer = send(client, route, url, world)
    content = body_of(answer)

    if expected == LOGIN:
        assert answer.status_code == 302, content[:500]
        next_query = urlencode({"next": url}, safe="/")
        assert answer["Location"] == f"{settings.LOGIN_URL}?{next_query}"
    elif expected == SIGN_IN:
        assert answer.status_code == 200, content[:500]
        assert f'name="next" value="{url}"' in content.decode()
        assert 'name="pending_answers"' in content.decode()
        assert not Session.objects.exists()
    elif expected == JSON_401:
        assert answer.status_code == 401, content[:500]
        assert answer["Content-Type"].startswith("application/json")
        assert set(answer.json()) == {"detail"}
    elif expected == REDIRECT:
        assert answer.status_code == 302, content[:500]
        assert answer["Location"] == expected_location(route, world, url)
    else:
        assert answer.status_code == int(expected), content[:500]
        if route.name.startswith(("campaign-", "response-")):
            assert answer["Content-Type"].startswith("application/json")
        if expected == NOT_FOUND and route.name.startswith(("campaign-", "response-")):
            assert set(answer.json()) == {"detail"}

    # Nothing of B reaches A's officer; nothing of any answer reaches an anonymous visitor.
    text = content.decode("utf-8", errors="replace")
    if actor == "officer":
        assert SECRET[B] not in text
        assert CAMPAIGN_B_TITLE not in text
    if actor == "anonymous":
        assert SECRET[A] not in text and SECRET[B] not in text

    if expected in DENIED or not route.is_write:
        assert database_state() == before, "a refused request or a read wrote something"
    else:
        assert database_state() != before
        assert_written(route, world, actor)
    if expected == OK and not route.is_write:
        assert_shown(route, world, actor, answer, content)


# Completeness -------------------------------------------------------------------------------

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def declared_routes() -> set[tuple[str, str]]:
    """(URL name, method) of every survey page and API endpoint, and the names of the
    account pages that need a session."""
    routes = set()
    for pattern in survey_urls.urlpatterns:
        view = pattern.callback.view_class
        for method in HTTP_METHODS:
            if method in view.http_method_names and hasattr(view, method):
                routes.add((f"{survey_urls.app_name}:{pattern.name}", method.upper()))
    for pattern in survey_api_router.urls:
        actions = getattr(pattern.callback, "actions", None)
        if actions:  # the router's own root is not served: /api/v1/ has its own
            routes.update((pattern.name, method.upper()) for method in actions)
    return routes


def test_every_survey_route_is_in_the_access_table():
    table = {(route.name, route.method) for route in ROUTES if not route.name.startswith("acc")}

    assert table == declared_routes()


def test_every_account_page_is_in_the_access_table_or_declared_public():
    names = {f"{account_urls.app_name}:{pattern.name}" for pattern in account_urls.urlpatterns}
    table = {route.name for route in ROUTES if route.name.startswith("accounts:")}

    assert names == table | PUBLIC_ACCOUNT_PAGES
    assert not table & PUBLIC_ACCOUNT_PAGES


def test_each_route_of_an_object_is_in_the_table_for_both_territories():
    by_owner = {}
    for route in ROUTES:
        by_owner.setdefault((route.name, route.method, route.variant), set()).add(route.owner)
    assert {key: owners for key, owners in by_owner.items() if owners not in ({None}, {A, B})} == {}


def test_public_account_pages_need_no_session(client, db):
    for name in PUBLIC_ACCOUNT_PAGES - {"accounts:logout"}:
        kwargs = {
            "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "unknown"},
            "accounts:invitation": {"token": "unknown"},
        }.get(name, {})
        answer = client.get(reverse(name, kwargs=kwargs))
        # An unknown invitation link is a 410 page, not a sign-in.
        assert answer.status_code in (200, 410), name


# Registry records through cooperation entries ------------------------------------------------
#
# An officer's entry may update a registry record only if it was pre-filled from it or if
# the record is published with the officer's territory among its partners. The officer of
# A names, through both ways of saving, a published record of B alone and an unpublished
# record of A: both refused, nothing written; and a reviewer validating such an entry,
# stored before the check existed, changes no record.


@pytest.fixture
def records_of_others(world, brittany):
    from cooperation.models import CooperationStatus, Instrument, PartnerRole
    from cooperation.services import PartnerInput, cooperation_create

    def record(title, territory, published):
        return cooperation_create(
            title=title,
            instrument=Instrument.CHARTER,
            status=CooperationStatus.ACTIVE,
            partners=[PartnerInput(territory, PartnerRole.LEAD)],
            is_published=published,
        )

    return {
        "published-of-B": record("Charte stéphanoise", world.territories[B], True),
        "unpublished-of-A": record("Charte brestoise en préparation", world.territories[A], False),
    }


def registry_state() -> list:
    return list(
        Cooperation.objects.order_by("pk").values_list("pk", "title", "is_published", "updated_at")
    )


@pytest.mark.parametrize("target", ["published-of-B", "unpublished-of-A"])
@pytest.mark.parametrize("channel", ["page", "api"])
def test_officer_cannot_name_a_record_that_is_not_theirs_in_an_entry(
    world, records_of_others, target, channel
):
    record = records_of_others[target]
    response = world.responses[A]
    client = Client()
    client.force_login(world.officers[A])
    before = (database_state(), registry_state())

    if channel == "page":
        answer = client.post(
            answer_url(world, A),
            {
                "_step": "cooperations",
                "_version": str(response.version),
                "_action": "save",
                "cooperations.0._entry": "h1",
                "cooperations.0._registry_slug": record.slug,
                "cooperations.0.coop_title": "HIJACKED",
                "cooperations.0.coop_instrument": "charter",
            },
        )
    else:
        answers = complete_answers()
        answers["cooperations"][0].update(_registry_slug=record.slug, coop_title="HIJACKED")
        answer = client.patch(
            reverse("response-detail", kwargs={"pk": response.pk}),
            json.dumps({"version": response.version, "answers": answers}),
            content_type="application/json",
        )

    assert answer.status_code == 400
    assert "HIJACKED" not in json.dumps(
        list(Response.objects.values_list("answers", flat=True)), ensure_ascii=False
    )
    assert (database_state(), registry_state()) == before


@pytest.mark.parametrize("target", ["published-of-B", "unpublished-of-A"])
def test_validating_a_forged_entry_changes_no_record(world, records_of_others, target):
    record = records_of_others[target]
    response = world.responses[A]
    answers = complete_answers()
    answers["cooperations"][0].update(_registry_slug=record.slug, coop_title="HIJACKED")
    Response.objects.filter(pk=response.pk).update(answers=answers, status=ResponseStatus.SUBMITTED)
    client = Client()
    client.force_login(world.users["staff"])
    before = registry_state()

    answer = client.post(
        reverse("surveys:review_response", kwargs={"response_id": response.pk}),
        {"action": "validate"},
    )

    assert answer.status_code == 200
    assert "La validation a été refusée" in answer.content.decode()
    assert registry_state() == before
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.SUBMITTED
    assert not Promotion.objects.exists()

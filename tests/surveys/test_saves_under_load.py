"""Officers saving at once while researchers browse, through gunicorn run as
docs/deployment.md runs it (sync workers, persistent connections): every save is answered,
none is lost, no reader sees an error. On PostgreSQL and on SQLite (the demo's database),
whose writers must wait for each other rather than fail."""

import json
import re
import threading
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore

from surveys.services.responses import officer_add
from tests.fixtures.surveys import make_responses
from tests.processes import gunicorn, shared_database_url

OFFICERS = 6
SAVES = 8  # each, one after the other, as fast as the server answers
CSRF_SECRET = "c" * 32  # the CSRF cookie's secret; the header repeats it
READ_PATHS = ["/cooperations/", "/api/v1/cooperations/", "/cooperations/?q=brest"]


def call(url: str, *, method: str = "GET", body: bytes | None = None, headers=None):
    """(status, body) whatever the status; (0, reason) if nothing answered."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:
        return 0, str(error).encode()


def summary(body: bytes) -> str:
    """What an answer says, short: a page's title (a 500's exception), or the body's start."""
    title = re.search(rb"<title>(.*?)</title>", body, re.DOTALL)
    return (title.group(1) if title else body[:300]).decode(errors="replace").strip()


def signed_in_headers(user) -> dict[str, str]:
    """An officer's session cookie and CSRF token, as the answer page sends them."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={CSRF_SECRET}",
        "X-CSRFToken": CSRF_SECRET,
        "Content-Type": "application/json",
    }


@pytest.fixture
def officers(census):
    """OFFICERS communautés of an open campaign, each with its response (empty) and its
    signed-in officer: [(response id, request headers)]."""
    campaign = make_responses(census, OFFICERS, {})
    people = []
    for index, response in enumerate(campaign.responses.select_related("territory")):
        user = get_user_model().objects.create_user(username=f"agent{index}")
        officer_add(user=user, territory=response.territory)
        people.append((response.pk, signed_in_headers(user)))
    return people


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_are_all_kept_while_pages_are_read(tmp_path, officers, registry):
    database_url = shared_database_url(tmp_path)  # after the set-up: SQLite copies it now
    saves: dict[int, list[tuple[int, bytes]]] = {response: [] for response, _ in officers}
    reads: list[tuple[int, str]] = []
    accepted: dict[int, str] = {}
    saving = threading.Event()
    saving.set()

    with gunicorn(
        database_url, "--workers", "3", CONN_MAX_AGE="60", API_ANON_RATE="100000/minute"
    ) as server:

        def officer(response: int, headers: dict) -> None:
            url = f"{server}/api/v1/responses/{response}/"
            headers = {**headers, "Referer": f"{server}/"}
            status, body = call(url, headers=headers)
            version = json.loads(body)["version"] if status == 200 else 0
            for number in range(SAVES):
                text = f"Chargée de mission, enregistrement {number} de la réponse {response}"
                answers = {"respondent": {"respondent_role": text}}
                payload = json.dumps({"version": version, "answers": answers}).encode()
                status, body = call(url, method="PATCH", body=payload, headers=headers)
                saves[response].append((status, summary(body)))
                if status == 200:
                    version = json.loads(body)["version"]
                    accepted[response] = text

        def researcher(offset: int) -> None:
            number = offset
            while saving.is_set():
                path = READ_PATHS[number % len(READ_PATHS)]
                reads.append((call(server + path, headers={"Accept-Language": "fr"})[0], path))
                number += 1

        researchers = [threading.Thread(target=researcher, args=(i,)) for i in range(2)]
        savers = [threading.Thread(target=officer, args=person) for person in officers]
        for thread in researchers + savers:
            thread.start()
        for thread in savers:
            thread.join()
        saving.clear()
        for thread in researchers:
            thread.join()

        stored = {
            response: json.loads(call(f"{server}/api/v1/responses/{response}/", headers=h)[1])
            for response, h in officers
        }

    refused = {
        response: [answer for answer in answers if answer[0] != 200]
        for response, answers in saves.items()
    }
    assert not any(refused.values()), refused
    assert reads and all(status == 200 for status, _path in reads), reads
    for response, _headers in officers:
        assert stored[response]["answers"]["respondent"]["respondent_role"] == accepted[response]
        assert stored[response]["version"] == 1 + SAVES

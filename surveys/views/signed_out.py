"""Answers posted after the officer's session ended (no JavaScript to keep them in the
browser, or a session that ended between two saves).

A signed-out client writes nothing: the posted step comes back inside the sign-in form,
as one hidden field, and is put in the session only once its owner has signed in again,
for the answer page to show it in its fields (the officer then saves it). Refused, with
nothing written: a post larger than `SIGNED_OUT_ANSWERS_MAX_BYTES` (413), for no real
campaign and territory (404), or more often than `SIGNED_OUT_ANSWERS_RATE` per client
address (429)."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.client_ip import client_ip
from portal.ratelimit import rate_limited
from territories.models import Territory

from ..account_forms import LoginForm
from ..models import Campaign
from .refusals import too_large, too_many_requests

# Session key of the step waiting for the answer page, once its owner has signed in.
PENDING_KEY = "surveys:pending-answers"
# The sign-in form's field carrying the step.
PENDING_FIELD = "pending_answers"


def signed_out_post(request: HttpRequest, *, campaign_id: int, kind: str, code: str):
    """The sign-in page, holding the step a signed-out client posted, or a refusal."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.SIGNED_OUT_ANSWERS_MAX_BYTES
    if length > limit:
        return too_large(request, _("Vos réponses n’ont pas pu être reprises"), limit)
    wait = rate_limited(
        "signed-out-answers", client_ip(request) or "", settings.SIGNED_OUT_ANSWERS_RATE
    )
    if wait is not None:
        return too_many_requests(request, wait, _("Trop d’envois sans être connecté"))
    territory = Territory.objects.filter(kind=kind, code=code).first()
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if territory is None or campaign is None or not campaign.asks(territory):
        raise Http404
    pending = {
        "path": request.path,
        "fields": {
            name: request.POST.getlist(name)
            for name in request.POST
            if name != "csrfmiddlewaretoken"
        },
    }
    return sign_in_page(request, next_url=request.path, pending=json.dumps(pending))


def sign_in_page(request: HttpRequest, *, next_url: str, pending: str, form=None) -> HttpResponse:
    """The sign-in page carrying answers typed while signed out."""
    context = {
        "form": form or LoginForm(request),
        "next": next_url,
        "pending": pending,
    }
    return render(request, "registration/login.html", context)


def pending_answers(raw: str | None, *, next_url: str) -> dict | None:
    """The step carried by the sign-in form, when it is one and belongs to `next_url`
    (the page the officer goes back to); None otherwise."""
    if not raw or len(raw.encode("utf-8", "surrogatepass")) > settings.SIGNED_OUT_ANSWERS_MAX_BYTES:
        return None
    try:
        pending = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(pending, dict) or pending.get("path") != next_url:
        return None
    fields = pending.get("fields")
    if not isinstance(fields, dict) or not all(
        isinstance(name, str)
        and isinstance(values, list)
        and all(isinstance(value, str) for value in values)
        for name, values in fields.items()
    ):
        return None
    return {"path": next_url, "fields": fields}

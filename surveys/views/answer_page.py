"""The answer page: who may open it, and how each of its states is drawn (a step's form,
the "check and submit" step, the read-only answers). The views that change things are in
`answering`."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from territories.models import Territory

from ..answering.answers import answer_errors, usable_answers
from ..answering.display import differences, error_links, progress, summary
from ..answering.fields import build_step, other_categories
from ..answering.form import (
    Section,
    sections_of,
    territories_by_reference,
    territory_references,
)
from ..models import Campaign, Response
from ..permissions import is_officer_of, is_reviewer
from ..services.responses import known_territory_references, response_open
from .entry_window import EntryWindow, is_windowed

REVIEW_STEP = "verifier"
# An entry's anchor ("entree-3") or one of its fields' ("q-cooperations-3-coop_title").
ENTRY_ANCHOR = re.compile(r"^(?:entree-(\d+)$|q-[a-z0-9_]+-(\d+)-)")


class AnswerPage:
    """Everything one request of the answer page needs, resolved once."""

    def __init__(self, request, campaign_id: int, kind: str, code: str):
        user = request.user
        self.request = request
        self.territory = get_object_or_404(Territory, kind=kind, code=code)
        self.campaign = get_object_or_404(
            Campaign.objects.visible_to(user).select_related("questionnaire"), pk=campaign_id
        )
        self.is_officer = is_officer_of(user, self.territory)
        if not (is_reviewer(user) or self.is_officer):
            raise Http404
        if not self.campaign.asks(self.territory):
            raise Http404
        self.response = self._stored_response()
        self.is_open = self.campaign.is_open_on(timezone.localdate())

    @property
    def url(self) -> str:
        return self.campaign.answer_url(self.territory)

    @property
    def may_start(self) -> bool:
        """Whether a staff member who is not an officer of the territory may create its
        response (which their visit alone does not do)."""
        return self.response is None and self.is_open and not self.is_officer

    def open(self) -> None:
        """Create the response on the first visit of an open campaign."""
        if self.response is None and self.is_open:
            response_open(campaign=self.campaign, territory=self.territory, user=self.request.user)
            self.response = self._stored_response()

    def _stored_response(self) -> Response | None:
        """The response, its answers in the shape the pages read (`unreadable` lists what
        of the stored document could not be shown)."""
        response = (
            Response.objects.visible_to(self.request.user)
            .select_related("questionnaire", "last_saved_by", "submitted_by", "returned_by")
            .filter(campaign=self.campaign, territory=self.territory)
            .first()
        )
        self.unreadable: list[str] = []
        if response is not None:
            response.answers, self.unreadable = usable_answers(
                response.questionnaire.questions, response.answers
            )
        return response

    @property
    def is_editable(self) -> bool:
        return self.response is not None and self.response.accepts_changes_on(timezone.localdate())

    def sections(self) -> list[Section]:
        questionnaire = self.response.questionnaire if self.response else None
        questionnaire = questionnaire or self.campaign.questionnaire
        return sections_of(questionnaire.definition, questionnaire.questions)

    def windowed(self, step: str) -> bool:
        """Whether a step's entries are too many for one page: it then lists them, and
        shows each on a page of its own (`?fiche=<number>`)."""
        value = self.response.answers.get(step) if self.response is not None else None
        return is_windowed(value)

    def entry_asked(self, section: Section, number: str | None) -> int | None:
        """The position of the entry `?fiche=<number>` asks for, on a windowed step."""
        value = self.response.answers.get(section.code) if self.response else None
        if not is_windowed(value) or not (number or "").isdigit():
            return None
        index = int(number) - 1
        return index if 0 <= index < len(value) else None

    def step_url(self, step: str, anchor: str = "", **params) -> str:
        """A step's address; on a windowed step, an anchor inside an entry leads to that
        entry's own page."""
        if anchor and "fiche" not in params and self.windowed(step):
            match = ENTRY_ANCHOR.match(anchor)
            if match:
                params["fiche"] = int(match.group(1) or match.group(2)) + 1
        query = urlencode({"etape": step, **params})
        return f"{self.url}?{query}" + (f"#{anchor}" if anchor else "")


class AnswerRendering:
    """The pages of the answer view, for a view with `self.request`."""

    def common_context(self, page: AnswerPage, sections, answers) -> dict:
        steps = [(section.code, section.title) for section in sections]
        steps.append((REVIEW_STEP, _("Vérifier et transmettre")))
        return {
            "page": page,
            "campaign": page.campaign,
            "territory": page.territory,
            "response": page.response,
            "steps": steps,
            "progress": progress(sections, answers),
            "login_url": f"{settings.LOGIN_URL}?{urlencode({'next': page.url})}",
        }

    def render_step(
        self,
        page,
        sections,
        section,
        answers,
        *,
        errors=None,
        search=None,
        conflict=None,
        saved=None,
        pending=None,
        status=200,
        shown_entry=None,
    ):
        """The step's page. `saved` is the stored response the form starts from (its
        version and this step's saved answers go into the form for the next save);
        `pending` the version and base kept with answers typed before a sign-in. A step
        with more entries than a page shows draws the list of its entries, or the one at
        position `shown_entry`."""
        errors = errors or {}
        value = answers.get(section.code)
        if value is None:
            value = [] if section.repeatable else {}
        saved = saved if saved is not None else page.response
        territories = _territories_named(page, answers, saved if conflict else None)
        window = (
            EntryWindow.of(page, section, value, shown_entry, errors)
            if is_windowed(value)
            else None
        )
        context = self.common_context(page, sections, answers)
        context.update(_step_navigation(page, section, context["steps"], window))
        context.update(
            _step_form(
                page,
                sections,
                section,
                answers,
                value=value,
                errors=errors,
                territories=territories,
                search=search,
                window=window,
            )
        )
        context.update(
            _save_state(
                page, section, value, territories, saved=saved, pending=pending, conflict=conflict
            )
        )
        return render(self.request, "surveys/answer_step.html", context, status=status)

    def render_review(self, page, sections, *, errors=None, confirm_error="", status=200):
        answers = page.response.answers
        if errors is None:
            errors = submission_errors(page.response)
        territories = territories_by_reference(
            territory_references(page.response.questionnaire.questions, answers)
        )
        context = self.common_context(page, sections, answers)
        context.update(
            {
                "step": REVIEW_STEP,
                "form_action": page.step_url(REVIEW_STEP),
                "step_number": len(context["steps"]),
                "step_title": _("Vérifier et transmettre"),
                "previous_step": context["steps"][-2],
                "next_step": None,
                "summary": summary(sections, answers, territories),
                "error_links": error_links(
                    sections,
                    errors,
                    answers,
                    # The step then shows the same problems next to its fields.
                    step_url=lambda step, anchor: page.step_url(step, anchor, controle=1),
                    current=None,
                ),
                "confirm_error": confirm_error,
            }
        )
        return render(self.request, "surveys/answer_review.html", context, status=status)

    def render_read_only(self, page: AnswerPage):
        context = {
            "page": page,
            "campaign": page.campaign,
            "territory": page.territory,
            "response": page.response,
            "today": timezone.localdate(),
        }
        if page.response is not None:
            sections = page.sections()
            answers = page.response.answers
            territories = territories_by_reference(
                territory_references(page.response.questionnaire.questions, answers)
            )
            context["summary"] = summary(sections, answers, territories)
        return render(self.request, "surveys/answer_read_only.html", context)


def _territories_named(page: AnswerPage, answers: dict, conflicting: Response | None) -> dict:
    """The territories the answers name, and on a conflict those the stored answers name
    too, in one query."""
    questions = page.response.questionnaire.questions
    references = territory_references(questions, answers)
    if conflicting is not None:
        references |= territory_references(questions, conflicting.answers)
    return territories_by_reference(references)


def _step_navigation(page: AnswerPage, section: Section, steps, window) -> dict:
    """Where the step stands among the steps, and where its form posts."""
    codes = [code for code, _title in steps]
    position = codes.index(section.code)
    return {
        "step": section.code,
        # The form posts to the step's own address, so that a step coming back with errors
        # leaves that address in the address bar.
        "form_action": (
            page.step_url(section.code, fiche=window.number)
            if window and window.number
            else page.step_url(section.code)
        ),
        "step_number": position + 1,
        "step_title": section.title,
        "previous_step": steps[position - 1] if position else None,
        "next_step": steps[position + 1],
    }


def _step_form(
    page: AnswerPage,
    sections: list[Section],
    section: Section,
    answers: dict,
    *,
    value,
    errors: dict,
    territories: dict,
    search,
    window: EntryWindow | None,
) -> dict:
    """The step's fields (on a windowed step, those of the entry shown), and the links to
    the answers' problems: to a field on this page for this step, else to its step."""
    shown = window.shown if window else None
    return {
        "form": build_step(
            section, value, errors=errors, territories=territories, search=search, shown=shown
        ),
        "window": window,
        "error_links": error_links(
            sections,
            errors,
            answers,
            step_url=page.step_url,
            current=section.code,
            current_entries=set(shown) if window else None,
        ),
        "other_categories": other_categories(),
    }


def _save_state(
    page: AnswerPage, section: Section, value, territories, *, saved, pending, conflict
):
    """What the next save starts from: the stored version and this step's saved answers,
    or those kept with answers typed before a sign-in (`pending`); after a conflict, what
    differs from the stored response; and the addresses the page's script calls."""
    return {
        "version": pending["version"] if pending else saved.version,
        "base_json": pending["base"] if pending else json.dumps(saved.answers.get(section.code)),
        "unsaved": pending is not None,
        "saved_answers": saved.answers,
        "conflict": (
            differences(section, value, saved.answers.get(section.code), territories)
            if conflict
            else None
        ),
        "conflict_response": saved if conflict else None,
        "api_url": reverse("response-detail", kwargs={"pk": page.response.pk}),
        "territory_api_url": reverse("territory-list"),
    }


def submission_errors(response: Response, section: Section | None = None) -> dict[str, list[str]]:
    """What the full check of a submission finds in the saved answers (in one section)."""
    errors = answer_errors(
        response.questionnaire.questions,
        response.answers,
        complete=True,
        known_territories=known_territory_references,
    )
    if section is None:
        return errors
    return {
        path: messages
        for path, messages in errors.items()
        if path == section.code or path.startswith(section.code + ".")
    }

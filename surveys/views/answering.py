"""Officers' pages under /enquetes/: their campaigns, the answer page (one step per
section, then "check and submit"), and the receipt.

Every button of the answer page posts the whole step, so nothing typed is lost with or
without JavaScript: the draft is saved first, then the button's action is carried out.
The posted step is read by `surveys.answering.form`; the pages are drawn by
`answer_page`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ..answering.answers import entry_id_of, usable_answers
from ..answering.display import summary
from ..answering.fields import search_territories
from ..answering.form import (
    Action,
    Section,
    apply_action,
    merged_window,
    parse_action,
    section_from_post,
    territories_by_reference,
    territory_references,
    window_from_post,
)
from ..dashboard import officer_dashboard
from ..models import Response, ResponseStatus
from ..services.responses import response_submit
from ..services.step_save import StepDraft, StepOutcome, StepStatus, path_errors, step_save
from ..wording import time_of_day
from .answer_page import REVIEW_STEP, AnswerPage, AnswerRendering, submission_errors
from .signed_out import PENDING_KEY, signed_out_post


class OfficerHomeView(LoginRequiredMixin, TemplateView):
    """/enquetes/: the campaigns asking the officer's territories and where each stands."""

    template_name = "surveys/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dashboard"] = officer_dashboard(self.request.user, today=timezone.localdate())
        return context


class AnswerView(LoginRequiredMixin, AnswerRendering, View):
    """/enquetes/<campaign>/<kind>/<code>/: the officer's answer, step by step."""

    def handle_no_permission(self):
        # A step posted after the session ended: nothing is stored for a signed-out client;
        # the posted fields come back inside the sign-in form, and once the officer has
        # signed in again they wait in the session for the step to show them (see `get`).
        if self.request.method == "POST" and not self.request.user.is_authenticated:
            return signed_out_post(self.request, **self.kwargs)
        return super().handle_no_permission()

    def get(self, request, campaign_id: int, kind: str, code: str):
        page = AnswerPage(request, campaign_id, kind, code)
        # An officer's first visit starts the response; a reviewer's visit only looks.
        if page.is_officer:
            try:
                page.open()
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        if not page.is_editable:
            return self.render_read_only(page)
        sections = page.sections()
        pending = request.session.get(PENDING_KEY)
        if pending and pending.get("path") == request.path:
            del request.session[PENDING_KEY]
            return self.render_pending(page, sections, pending["fields"])
        step = self.step_of(request.GET.get("etape"), sections)
        if step == REVIEW_STEP:
            return self.render_review(page, sections)
        section = next(s for s in sections if s.code == step)
        search = None
        path, query = request.GET.get("recherche", ""), request.GET.get("q", "")
        if path.startswith(section.code + ".") and query.strip():
            search = (path, query, search_territories(query))
        # Coming from the "check and submit" step: what blocks the submission is shown
        # next to the fields.
        errors = submission_errors(page.response, section) if request.GET.get("controle") else {}
        return self.render_step(
            page,
            sections,
            section,
            page.response.answers,
            search=search,
            errors=errors,
            shown_entry=page.entry_asked(section, request.GET.get("fiche")),
        )

    def post(self, request, campaign_id: int, kind: str, code: str):
        page = AnswerPage(request, campaign_id, kind, code)
        action = parse_action(request.POST.get("_action"))
        if action.name == "start" and page.may_start:
            page.open()
            return HttpResponseRedirect(page.url)
        if not page.is_editable:
            messages.error(request, _("Cette réponse ne peut plus être modifiée."))
            return HttpResponseRedirect(page.url)
        sections = page.sections()
        step = self.step_of(request.POST.get("_step"), sections)
        if step == REVIEW_STEP:
            return self.submit(page, sections)
        section = next(s for s in sections if s.code == step)
        if action.name == "save":
            action = self.pending_search(section) or action
        removed = action.target if action.name in ("remove", "remove-entry") else ""
        value = apply_action(
            section, section_from_post(section, request.POST, removed=removed), action
        )
        value, shown = with_unshown_entries(section, value, request.POST, page.response.answers)
        outcome = step_save(
            response=page.response,
            section=section,
            value=value,
            draft=StepDraft.from_post(request.POST, default_version=page.response.version),
            user=request.user,
        )
        if outcome.status is StepStatus.SAVED:
            page.response = outcome.response
            return HttpResponseRedirect(self.after_save(page, section, value, action))
        return self.refused_step(
            page, sections, section, outcome, value=value, action=action, shown=shown
        )

    def refused_step(self, page, sections, section, outcome: StepOutcome, *, value, action, shown):
        """A step the save did not take whole: the step comes back with every typed
        value, over the stored response the next save starts from — beside the newer
        version (409), or with the errors next to the fields (400)."""
        answers = {**outcome.response.answers, section.code: value}
        if outcome.status is StepStatus.CONFLICT:
            return self.render_step(
                page,
                sections,
                section,
                answers,
                conflict=True,
                saved=outcome.response,
                status=409,
                shown_entry=shown,
            )
        if outcome.partly_saved:
            messages.warning(
                self.request,
                _(
                    "Vos autres réponses de cette étape sont enregistrées ; celles signalées "
                    "ne le seront qu’une fois corrigées."
                ),
            )
        return self.render_step(
            page,
            sections,
            section,
            answers,
            errors=outcome.errors,
            search=self.posted_search(action, section),
            saved=outcome.response,
            status=400,
            shown_entry=shown,
        )

    # Steps

    @staticmethod
    def step_of(requested: str | None, sections: list[Section]) -> str:
        codes = [section.code for section in sections]
        if requested == REVIEW_STEP or requested in codes:
            return requested
        return codes[0]

    def after_save(self, page: AnswerPage, section: Section, value, action: Action) -> str:
        if action.name == "goto":
            return page.step_url(action.target)
        if action.name == "entry":
            if action.target.isdigit():
                return page.step_url(section.code, fiche=action.target)
            return page.step_url(section.code, f"{section.code}-entrees")
        if action.name == "search":
            query = self.request.POST.get(f"{action.target}._search", "")
            return page.step_url(
                section.code,
                "q-" + action.target.replace(".", "-"),
                recherche=action.target,
                q=query,
            )
        if action.name == "add-entry":
            return page.step_url(section.code, f"entree-{len(value) - 1}")
        if action.name == "remove-entry":
            messages.success(self.request, _("Fiche supprimée."))
            return page.step_url(section.code, f"{section.code}-entrees")
        if action.name in ("remove", "add"):
            question = action.target.rsplit(".", 1)[0] if action.name == "remove" else action.target
            return page.step_url(section.code, "q-" + question.replace(".", "-"))
        messages.success(
            self.request,
            _("Brouillon enregistré à %(time)s.") % {"time": time_of_day(page.response.updated_at)},
        )
        return page.step_url(section.code)

    def pending_search(self, section: Section) -> Action | None:
        """Enter in a search box submits the form's first button (save) without
        JavaScript: a filled search box then means "search"."""
        for name, value in self.request.POST.items():
            if name.startswith(section.code + ".") and name.endswith("._search") and value.strip():
                return Action("search", name.removesuffix("._search"))
        return None

    def posted_search(self, action: Action, section: Section):
        if action.name != "search":
            return None
        query = self.request.POST.get(f"{action.target}._search", "")
        return (action.target, query, search_territories(query)) if query.strip() else None

    def submit(self, page: AnswerPage, sections):
        if not self.request.POST.get("_confirm"):
            return self.render_review(
                page,
                sections,
                confirm_error=_("Cochez la case pour confirmer la transmission."),
                status=400,
            )
        try:
            response_submit(response=page.response, user=self.request.user)
        except ValidationError as error:
            return self.render_review(page, sections, errors=path_errors(error), status=400)
        return HttpResponseRedirect(
            reverse(
                "surveys:receipt",
                kwargs={
                    "campaign_id": page.campaign.pk,
                    "kind": page.territory.kind,
                    "code": page.territory.code,
                },
            )
        )

    # Rendering

    def render_pending(self, page, sections, fields: dict):
        data = QueryDict(mutable=True)
        for name, values in fields.items():
            data.setlist(name, values)
        step = self.step_of(data.get("_step"), sections)
        if step == REVIEW_STEP:
            return HttpResponseRedirect(page.step_url(REVIEW_STEP))
        section = next(s for s in sections if s.code == step)
        draft = StepDraft.from_post(data, default_version=page.response.version)
        messages.warning(
            self.request,
            _(
                "Votre session avait expiré : les réponses que vous veniez de saisir n’ont pas "
                "été enregistrées. Les voici dans le formulaire : enregistrez-les."
            ),
        )
        value, shown = with_unshown_entries(
            section, section_from_post(section, data), data, page.response.answers
        )
        answers = {**page.response.answers, section.code: value}
        return self.render_step(
            page,
            sections,
            section,
            answers,
            pending={"version": draft.version, "base": data.get("_base", "null")},
            shown_entry=shown,
        )


class ReceiptView(LoginRequiredMixin, View):
    """/enquetes/<campaign>/<kind>/<code>/accuse-de-reception/: the response was sent."""

    def get(self, request, campaign_id: int, kind: str, code: str):
        page = AnswerPage(request, campaign_id, kind, code)
        response = page.response
        if response is None or response.status not in (
            ResponseStatus.SUBMITTED,
            ResponseStatus.VALIDATED,
        ):
            return HttpResponseRedirect(page.url)
        sections = page.sections()
        entry_count = sum(
            len(response.answers.get(section.code) or [])
            for section in sections
            if section.repeatable
        )
        return render(
            request,
            "surveys/receipt.html",
            {"page": page, "response": response, "entry_count": entry_count},
        )


class SubmittedPrintView(LoginRequiredMixin, View):
    """/enquetes/<campaign>/<kind>/<code>/version-imprimable/: every answer as it was
    submitted, with the receipt's date and reference, laid out for printing (or saving as
    PDF from the browser's print dialog)."""

    def get(self, request, campaign_id: int, kind: str, code: str):
        page = AnswerPage(request, campaign_id, kind, code)
        response = page.response
        if response is None or response.submitted_at is None:
            return HttpResponseRedirect(page.url)
        sections = page.sections()
        answers, _unreadable = usable_answers(
            response.questionnaire.questions, response.submitted_answers()
        )
        territories = territories_by_reference(
            territory_references(response.questionnaire.questions, answers)
        )
        return render(
            request,
            "surveys/print.html",
            {
                "page": page,
                "campaign": page.campaign,
                "territory": page.territory,
                "response": response,
                "summary": summary(sections, answers, territories),
            },
        )


class ResponseRedirectView(LoginRequiredMixin, View):
    """/enquetes/reponses/<pk>/: a response's answer page, for links that know only its id."""

    def get(self, request, pk: int):
        response = get_object_or_404(
            Response.objects.visible_to(request.user).select_related("campaign", "territory"), pk=pk
        )
        return HttpResponseRedirect(response.campaign.answer_url(response.territory))


def with_unshown_entries(section: Section, value, data, saved: dict) -> tuple[object, int | None]:
    """The whole section posted from a page that showed only some of its entries (a long
    step, one entry per page), and the position of the entry it showed; the posted value
    as it is, and None, from a page that showed the whole section."""
    window = window_from_post(data) if section.repeatable else None
    if window is None:
        return value, None
    value = merged_window(saved.get(section.code), value, window)
    shown = next((index for index, entry in enumerate(value) if entry_id_of(entry) in window), None)
    return value, shown

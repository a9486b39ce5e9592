"""Reviewers' pages under /enquetes/revue/: the queue of responses, one response beside
the registry records it would update (with the return and validate actions), the
campaigns and each campaign's coverage (with reminders). Staff only: anonymous visitors
go to the sign-in page, officers get a 403."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from portal.listing import FilteredListView, current_ordering, sort_columns
from portal.tabular import csv_blocks

from ..answering.answers import usable_answers
from ..answering.display import summary
from ..answering.form import sections_of, territories_by_reference, territory_references
from ..comparison import entry_comparisons
from ..exports import slug_within
from ..filters import ResponseFilterSet
from ..models import Campaign, Response, ResponseStatus
from ..permissions import is_reviewer
from ..reciprocity import missing_partner_declarations
from ..services.promotion import promotions_of
from ..services.reminders import campaign_coverage, campaign_remind, campaigns_status_counts
from ..services.responses import response_return, response_validate
from ..tallies import (
    CSV_HEADER,
    DEFAULT_SCOPE,
    SCOPE_LABELS,
    SCOPES,
    by_section,
    csv_rows,
    tally,
)

QUEUE_PAGE_SIZE = 50
EXPORT_FORMATS = (
    ("csv", gettext_lazy("CSV")),
    ("xlsx", gettext_lazy("XLSX (Excel)")),
    ("ods", gettext_lazy("ODS (LibreOffice)")),
)


class StaffRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous visitors are sent to the sign-in page; signed-in non-staff users get a
    403 (Django's mixins raise PermissionDenied for an authenticated user)."""

    def test_func(self) -> bool:
        return is_reviewer(self.request.user)


class ReviewQueueView(StaffRequiredMixin, FilteredListView):
    """/enquetes/revue/: responses filtered by the shared ResponseFilterSet (campaign,
    status, territory, date), sortable, paginated; submitted ones first by default."""

    template_name = "surveys/review/queue.html"
    filterset_class = ResponseFilterSet
    paginate_by = QUEUE_PAGE_SIZE

    def get_queryset(self):
        return (
            Response.objects.visible_to(self.request.user)
            .select_related("territory", "campaign", "submitted_by")
            .defer("answers")
            .in_review_order()
        )

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        present_response_filters(filterset.form)
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ordering = current_ordering(self.filterset)
        context["columns"] = sort_columns(
            ordering,
            {
                "territory": "territory",
                "status": "status",
                "submitted": "-submitted",
                "updated": "-updated",
            },
        )
        campaign = (
            self.filterset.form.cleaned_data.get("campaign") if self.filterset.is_valid() else None
        )
        context["selected_campaign"] = campaign
        if campaign is not None:
            query = self.request.GET.copy()
            query.pop("page", None)
            context["export_links"] = export_links(campaign, query.urlencode())
        return context


def present_response_filters(form) -> None:
    """Word the shared FilterSet's form for reviewers: labels, empty choices and hints
    only; the filters themselves are those of the API."""
    fields = form.fields
    fields["status"].widget = forms.CheckboxSelectMultiple(choices=fields["status"].choices)
    fields["status"].help_text = ""
    fields["territory"].help_text = _("Nom, code INSEE ou SIREN, sans tenir compte des accents.")
    fields["updated_since"].help_text = _("Réponses modifiées à partir de cette date.")
    choices = [choice for choice in fields["ordering"].choices if choice[0] != ""]
    fields["ordering"].widget.choices = [
        ("", _("Transmises d’abord, les plus anciennes")),
        *choices,
    ]
    fields["ordering"].help_text = ""


def export_links(campaign: Campaign, query: str) -> list[dict]:
    """The reviewers' exports of `campaign`, each carrying the queue's query string."""
    suffix = f"?{query}" if query else ""
    return [
        {
            "label": label,
            "url": reverse("surveys:review_export", args=[campaign.pk, fmt]) + suffix,
        }
        for fmt, label in EXPORT_FORMATS
    ]


class ReturnForm(forms.Form):
    # Not `required`: the service owns the rule (and its message); the browser still
    # asks for a text first.
    notes = forms.CharField(
        label=gettext_lazy("Remarques pour le territoire"),
        help_text=gettext_lazy(
            "Dites précisément ce qui doit être complété ou corrigé : le territoire les lira "
            "en rouvrant sa réponse."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "required": True}),
    )


class ReviewResponseView(StaffRequiredMixin, TemplateView):
    """/enquetes/revue/reponses/<id>/: the response, each declared cooperation beside its
    registry record, the status history, and the return / validate actions."""

    template_name = "surveys/review/response.html"

    def get_object(self) -> Response:
        return get_object_or_404(
            Response.objects.visible_to(self.request.user).select_related(
                "campaign",
                "territory",
                "questionnaire",
                "submitted_by",
                "validated_by",
                "last_saved_by",
            ),
            pk=self.kwargs["response_id"],
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(return_form=ReturnForm()))

    def post(self, request, *args, **kwargs):
        self.object = response = self.get_object()
        action = request.POST.get("action")
        if action == "return":
            form = ReturnForm(request.POST)
            if form.is_valid():
                try:
                    response_return(
                        response=response,
                        reviewer=request.user,
                        notes=form.cleaned_data["notes"],
                        base_url=request.build_absolute_uri("/"),
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _("La réponse a été renvoyée à %(territory)s avec vos remarques.")
                        % {"territory": response.territory.name},
                    )
                    return redirect("surveys:review_response", response_id=response.pk)
            return self.render_to_response(self.get_context_data(return_form=form))
        if action == "validate":
            try:
                response_validate(
                    response=response,
                    reviewer=request.user,
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                # The reasons are what the territory has to fix: offered as the notes of
                # a return, for the reviewer to edit.
                context = self.get_context_data(
                    return_form=ReturnForm(initial={"notes": "\n".join(error.messages)}),
                    validation_errors=error.messages,
                )
                return self.render_to_response(context)
            messages.success(
                request,
                _("La réponse est validée et ses coopérations sont versées au registre."),
            )
            return redirect("surveys:review_response", response_id=response.pk)
        return HttpResponseBadRequest(_("Action inconnue."))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        response = self.object
        questions = response.questionnaire.questions
        response.answers, unreadable = usable_answers(questions, response.answers)
        sections = sections_of(response.questionnaire.definition, questions)
        plain = [section for section in sections if not section.repeatable]
        plain_answers = {
            section.code: response.answers.get(section.code)
            for section in plain
            if isinstance(response.answers, dict)
        }
        territories = territories_by_reference(territory_references(questions, plain_answers))
        comparisons = entry_comparisons(response)
        context.update(
            response=response,
            sections=summary(plain, plain_answers, territories),
            comparisons=comparisons,
            new_count=sum(entry.is_new for entry in comparisons),
            update_count=sum(not entry.is_new and not entry.is_identical for entry in comparisons),
            identical_count=sum(entry.is_identical for entry in comparisons),
            needing_attention=[entry for entry in comparisons if entry.warnings],
            partner_declarations=missing_partner_declarations(
                response, {entry.record.pk for entry in comparisons if entry.record}
            ),
            unreadable=unreadable,
            history=status_history(response),
            promotions=promotions_of(response)
            if response.status == ResponseStatus.VALIDATED
            else [],
            may_review=response.status == ResponseStatus.SUBMITTED,
            confirming=self.request.GET.get("confirmer") == "valider",
        )
        return context


def status_history(response: Response) -> list[dict]:
    """The response's changes of status, oldest first: {"status", "label", "date", "user"}."""
    labels = dict(ResponseStatus.choices)
    changes, previous = [], None
    rows = response.history.select_related("history_user").order_by("history_date", "history_id")
    for row in rows.only("status", "history_date", "history_user", "history_id"):
        if row.status != previous:
            changes.append(
                {
                    "status": row.status,
                    "label": labels.get(row.status, row.status),
                    "date": row.history_date,
                    "user": row.history_user,
                }
            )
            previous = row.status
    return changes


class ReviewCampaignListView(StaffRequiredMixin, TemplateView):
    """/enquetes/revue/campagnes/: every campaign with its counts per status, linking to
    its coverage, its queue and its exports."""

    template_name = "surveys/review/campaign_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaigns = list(
            Campaign.objects.visible_to(self.request.user).select_related("questionnaire")
        )
        counts = campaigns_status_counts(campaigns)
        context["rows"] = [
            {
                "campaign": campaign,
                "totals": counts[campaign.pk],
                "exports": export_links(campaign, ""),
            }
            for campaign in campaigns
        ]
        return context


class CampaignCoverageView(StaffRequiredMixin, TemplateView):
    """/enquetes/revue/campagnes/<id>/couverture/: where each target territory stands,
    and the reminder to those that have not sent their response."""

    template_name = "surveys/review/coverage.html"

    def get_campaign(self) -> Campaign:
        return get_object_or_404(
            Campaign.objects.visible_to(self.request.user).select_related("questionnaire"),
            pk=self.kwargs["campaign_id"],
        )

    def get(self, request, *args, **kwargs):
        self.campaign = self.get_campaign()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.campaign = self.get_campaign()
        try:
            report = campaign_remind(
                campaign=self.campaign,
                sender=request.user,
                base_url=request.build_absolute_uri("/"),
                remind_recent=request.POST.get("remind_recent") == "1",
            )
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(remind_errors=error.messages))
        sent = len(report.reminders)
        if sent:
            messages.success(
                request,
                ngettext(
                    "%(count)d territoire relancé.",
                    "%(count)d territoires relancés.",
                    sent,
                )
                % {"count": sent},
            )
        elif not report.without_officers and not report.recently_reminded:
            messages.info(
                request, _("Tous les territoires ont transmis leur réponse : personne à relancer.")
            )
        if report.without_officers:
            messages.warning(
                request,
                _("Sans référent, donc non relancés : %(names)s.")
                % {"names": ", ".join(t.name for t in report.without_officers)},
            )
        if report.recently_reminded:
            messages.warning(
                request,
                ngettext(
                    "Déjà relancé il y a moins de %(hours)d heures, donc non relancé "
                    "sans confirmation : %(names)s.",
                    "Déjà relancés il y a moins de %(hours)d heures, donc non relancés "
                    "sans confirmation : %(names)s.",
                    len(report.recently_reminded),
                )
                % {
                    "hours": settings.SURVEY_REMINDER_INTERVAL_HOURS,
                    "names": ", ".join(t.name for t in report.recently_reminded),
                },
            )
        return redirect("surveys:coverage", campaign_id=self.campaign.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coverage = campaign_coverage(self.campaign)
        context.update(
            campaign=self.campaign,
            coverage=coverage,
            confirming=self.request.GET.get("confirmer") == "relancer",
            reminder_interval_hours=settings.SURVEY_REMINDER_INTERVAL_HOURS,
            exports=export_links(self.campaign, ""),
        )
        return context


class TallyFilterForm(forms.Form):
    """Which responses the tallies count (/enquetes/revue/campagnes/<id>/questions/)."""

    responses = forms.ChoiceField(
        label=gettext_lazy("Réponses comptées"),
        choices=SCOPE_LABELS,
        required=False,
    )

    def scope(self) -> str:
        if self.is_valid():
            return self.cleaned_data["responses"] or DEFAULT_SCOPE
        return DEFAULT_SCOPE


class QuestionTalliesView(StaffRequiredMixin, TemplateView):
    """/enquetes/revue/campagnes/<id>/questions/: how the responses answered each closed
    question of the sections answered once per territory (surveys/tallies.py counts);
    `.csv` gives the same figures, one line per (question, choice)."""

    template_name = "surveys/review/question_tallies.html"
    csv = False

    def get(self, request, *args, **kwargs):
        campaign = get_object_or_404(
            Campaign.objects.visible_to(request.user).select_related("questionnaire"),
            pk=self.kwargs["campaign_id"],
        )
        form = TallyFilterForm(request.GET or {"responses": DEFAULT_SCOPE})
        scope = form.scope()
        answers = list(
            Response.objects.visible_to(request.user)
            .for_campaign(campaign)
            .filter(status__in=SCOPES[scope])
            .values_list("answers", flat=True)
        )
        tallies = tally(campaign.questionnaire.questions, answers)
        if self.csv:
            return tallies_csv(campaign, tallies, scope)
        query = f"?responses={scope}"
        return self.render_to_response(
            self.get_context_data(
                campaign=campaign,
                form=form,
                sections=by_section(campaign.questionnaire.definition, tallies),
                counted=len(answers),
                csv_url=reverse("surveys:question_tallies_csv", args=[campaign.pk]) + query,
            )
        )


def tallies_csv(campaign: Campaign, tallies, scope: str) -> HttpResponse:
    """The tallies as CSV, written as every file of the portal (`portal.tabular`)."""
    body = b"".join(csv_blocks(CSV_HEADER, csv_rows(tallies)))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = slug_within(campaign.title) or f"campagne-{campaign.pk}"
    filename = f"enquete-{name}-questions-{scope}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(body))
    return response

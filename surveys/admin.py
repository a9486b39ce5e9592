"""Django admin for the survey team: questionnaires are loaded from files (read-only
here), campaigns and officers are edited, responses are inspected with their history."""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Campaign, Invitation, Officer, Promotion, Questionnaire, Reminder, Response
from .services.invitations import invitation_send


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["slug", "version", "title_fr", "loaded_at"]
    list_filter = ["slug"]
    search_fields = ["slug", "title_fr", "title_en"]
    fields = [
        "slug",
        "version",
        "title_fr",
        "title_en",
        "checksum",
        "loaded_at",
        "pretty_definition",
    ]
    readonly_fields = fields

    @admin.display(description=_("définition"))
    def pretty_definition(self, obj):
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.definition, indent=2, ensure_ascii=False)
        )

    def has_add_permission(self, request):
        # Questionnaires come from versioned files, through `load_questionnaire`.
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "questionnaire", "opening_date", "closing_date"]
    list_filter = ["questionnaire"]
    search_fields = ["title", "organisers"]
    autocomplete_fields = ["targets"]
    date_hierarchy = "opening_date"


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "territory", "created_at"]
    search_fields = ["user__username", "user__email", "territory__name", "territory__code"]
    autocomplete_fields = ["user", "territory"]
    list_select_related = ["user", "territory"]


@admin.register(Response)
class ResponseAdmin(SimpleHistoryAdmin):
    list_display = ["territory", "campaign", "status", "version", "submitted_at", "updated_at"]
    list_filter = ["campaign", "status"]
    search_fields = ["territory__name", "territory__code"]
    list_select_related = ["territory", "campaign"]
    readonly_fields = [
        "campaign",
        "territory",
        "questionnaire",
        "version",
        "created_at",
        "updated_at",
        "last_saved_by",
        "submitted_at",
        "submitted_by",
        "validated_at",
        "validated_by",
    ]


# Invitations: staff invite officers by e-mail; the link is sent by `invitation_send`.


class InvitationStatus:
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    LABELS = {PENDING: _("en attente"), ACCEPTED: _("acceptée"), EXPIRED: _("expirée")}

    @classmethod
    def of(cls, invitation: Invitation) -> str:
        if invitation.accepted_at is not None:
            return cls.ACCEPTED
        return cls.PENDING if invitation.is_usable else cls.EXPIRED


class InvitationStatusFilter(admin.SimpleListFilter):
    title = _("statut")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(InvitationStatus.LABELS.items())

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == InvitationStatus.PENDING:
            return queryset.pending()
        if self.value() == InvitationStatus.ACCEPTED:
            return queryset.filter(accepted_at__isnull=False)
        if self.value() == InvitationStatus.EXPIRED:
            return queryset.filter(accepted_at__isnull=True, expires_at__lte=now)
        return queryset


class InvitationAddForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "territories"]
        help_texts = {
            "email": _(
                "Le lien est envoyé à cette adresse, qui devient l’identifiant du compte. "
                "Une nouvelle invitation à la même adresse remplace les précédentes."
            ),
        }


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "territory_names", "status", "created_at", "expires_at", "invited_by"]
    list_filter = [InvitationStatusFilter]
    search_fields = ["email", "territories__name"]
    list_select_related = ["invited_by"]
    autocomplete_fields = ["territories"]
    actions = ["resend"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "email",
        "territory_names",
        "status",
        "created_at",
        "expires_at",
        "invited_by",
        "accepted_at",
        "user",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("territories")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["email", "territories"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    # An invitation is a sent e-mail: it is not edited afterwards, only sent again.
    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("territoires"))
    def territory_names(self, obj):
        return ", ".join(sorted(territory.name for territory in obj.territories.all()))

    @admin.display(description=_("statut"))
    def status(self, obj):
        return InvitationStatus.LABELS[InvitationStatus.of(obj)]

    def save_model(self, request, obj, form, change):
        # The service creates the invitation (token, expiry, e-mail); the admin then works
        # on that row, so its log entry and messages name the real invitation.
        invitation = invitation_send(
            email=form.cleaned_data["email"],
            territories=form.cleaned_data["territories"],
            invited_by=request.user,
            base_url=request.build_absolute_uri("/"),
        )
        for field in Invitation._meta.concrete_fields:
            setattr(obj, field.attname, getattr(invitation, field.attname))
        obj._state.adding = False
        obj._state.db = invitation._state.db

    def save_related(self, request, form, formsets, change):
        # invitation_send has set the territories already.
        pass

    def response_add(self, request, obj, post_url_continue=None):
        if IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        # Instead of the generic "added" message: what matters is that the e-mail went out.
        self.message_user(
            request,
            gettext("Invitation envoyée à %(email)s.") % {"email": obj.email},
            messages.SUCCESS,
        )
        if "_addanother" in request.POST:
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(reverse("admin:surveys_invitation_changelist"))

    @admin.action(description=_("Renvoyer l’invitation"), permissions=["add"])
    def resend(self, request, queryset):
        """Send a fresh link to each selected address (one e-mail per address, for the
        territories of all its selected invitations); accepted ones are skipped."""
        by_email: dict[str, set] = {}
        skipped = 0
        for invitation in queryset.prefetch_related("territories"):
            if invitation.accepted_at is not None:
                skipped += 1
                continue
            by_email.setdefault(invitation.email, set()).update(invitation.territories.all())
        base_url = request.build_absolute_uri("/")
        for email, territories in by_email.items():
            invitation_send(
                email=email, territories=territories, invited_by=request.user, base_url=base_url
            )
        if by_email:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invitation renvoyée.",
                    "%(count)d invitations renvoyées.",
                    len(by_email),
                )
                % {"count": len(by_email)},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invitation déjà acceptée n’a pas été renvoyée.",
                    "%(count)d invitations déjà acceptées n’ont pas été renvoyées.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


# Promotions and reminders are written by services (validation, reminders): read-only here.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Promotion)
class PromotionAdmin(ReadOnlyAdmin):
    list_display = ["response", "entry", "cooperation", "created", "promoted_at"]
    list_filter = ["created", "response__campaign"]
    search_fields = ["entry", "cooperation__title", "response__territory__name"]
    list_select_related = ["response__campaign", "response__territory", "cooperation"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "territory", "sent_at", "sent_by"]
    list_filter = ["campaign"]
    search_fields = ["territory__name", "recipients"]
    list_select_related = ["campaign", "territory", "sent_by"]
    date_hierarchy = "sent_at"

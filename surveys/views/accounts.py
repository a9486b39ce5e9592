"""Sign-in pages under /compte/: Django's auth views with our forms and templates, the
invitation page, and the page django-axes shows once a sign-in is locked."""

from axes.helpers import get_cool_off, get_failure_limit
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from portal.client_ip import client_ip
from portal.ratelimit import rate_limited

from ..account_forms import (
    InvitationAcceptForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from ..services.invitations import (
    existing_user_for_email,
    invitation_accept,
    invitation_for_token,
    inviter_name,
    unusable_reason,
)
from .refusals import too_many_requests
from .signed_out import PENDING_FIELD, PENDING_KEY, pending_answers

# Two authentication backends are configured (django-axes, then Django's): a user logged in
# without authenticate() must name the one that will load them on the next requests.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class LoginView(auth_views.LoginView):
    """Signing in; answers typed while signed out ride along in the form (see
    `signed_out`) and wait in the session for the page they were typed on."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        pending = pending_answers(
            self.request.POST.get(PENDING_FIELD), next_url=self.get_success_url()
        )
        response = super().form_valid(form)
        if pending is not None:
            self.request.session[PENDING_KEY] = pending
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "POST":
            context["pending"] = self.request.POST.get(PENDING_FIELD, "")
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    """Sends a reset link, at most `PASSWORD_RESET_RATE_PER_ADDRESS` times per e-mail
    address and `PASSWORD_RESET_RATE_PER_CLIENT` times per client. Beyond the first, the
    page answers exactly as when a link is sent, whether an account exists or not;
    beyond the second, the client is asked to wait (which says nothing of any account)."""

    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        wait = rate_limited(
            "password-reset-client",
            client_ip(self.request) or "",
            settings.PASSWORD_RESET_RATE_PER_CLIENT,
        )
        if wait is not None:
            return too_many_requests(
                self.request, wait, _("Trop de demandes de réinitialisation depuis votre connexion")
            )
        address = form.cleaned_data["email"].strip().casefold()
        if rate_limited(
            "password-reset-address", address, settings.PASSWORD_RESET_RATE_PER_ADDRESS
        ):
            return HttpResponseRedirect(self.get_success_url())
        # The e-mail says how long its link lasts.
        self.extra_email_context = {
            "timeout_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The e-mailed link proves who this is: a lock on their username (perhaps what sent
        # them here) no longer protects anything.
        axes_reset(username=form.user.get_username())
        return response


@method_decorator([sensitive_post_parameters("password1", "password2"), never_cache], "dispatch")
class InvitationView(View):
    """/compte/invitation/<token>/: the invitee chooses a password and is signed in."""

    template_name = "registration/invitation.html"
    unusable_template_name = "registration/invitation_unusable.html"

    def get(self, request, token):
        invitation = invitation_for_token(token)
        reason = unusable_reason(invitation)
        if reason is not None:
            return self.unusable(reason)
        return self.render_form(invitation)

    def post(self, request, token):
        invitation = invitation_for_token(token)
        reason = unusable_reason(invitation)
        if reason is not None:
            return self.unusable(reason)
        form = InvitationAcceptForm(request.POST)
        if form.is_valid():
            try:
                user = invitation_accept(token=token, **form.cleaned_data)
            except ValidationError as error:
                if (getattr(error, "code", None) or "").startswith("invitation_"):
                    # Used or expired between the page load and the submission.
                    return self.unusable(error)
                form.add_error(None, error)
            else:
                login(request, user, backend=MODEL_BACKEND)
                return redirect(settings.LOGIN_REDIRECT_URL)
        return self.render_form(invitation, form)

    def render_form(self, invitation, form=None):
        existing_user = existing_user_for_email(invitation.email)
        if form is None and existing_user is not None:
            form = InvitationAcceptForm(
                initial={
                    "first_name": existing_user.first_name,
                    "last_name": existing_user.last_name,
                }
            )
        context = {
            "invitation": invitation,
            "inviter": inviter_name(invitation),
            "territories": invitation.territories.order_by("name"),
            "existing_user": existing_user,
            "form": form or InvitationAcceptForm(),
        }
        return render(self.request, self.template_name, context)

    def unusable(self, reason: ValidationError):
        context = {"reason": reason.messages[0]}
        return render(self.request, self.unusable_template_name, context, status=410)


def lockout(request, original_response=None, credentials=None):
    """The page django-axes answers with (AXES_LOCKOUT_CALLABLE) once a username or an
    address has failed too many sign-ins: what happened, how long to wait, what else to do."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": round(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(
        request,
        "registration/lockout.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )

"""Forms of the sign-in pages (/compte/): validation and normalisation only."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


def _password_rules() -> str:
    # Django's own help text is an HTML list, which cannot sit in a DSFR hint (a <span>
    # inside the label): the same rules as one sentence each.
    return " ".join(password_validators_help_texts())


password_rules = lazy(_password_rules, str)


class LoginForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("Adresse électronique ou identifiant"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _(
            "Adresse électronique (ou identifiant) ou mot de passe incorrect. Le mot de passe "
            "distingue majuscules et minuscules."
        ),
        "inactive": _("Ce compte a été désactivé."),
    }

    def clean_username(self):
        username = self.cleaned_data["username"]
        # Accounts created by invitation are named after the address in lower case; people
        # type their address with capitals all the same.
        return username.lower() if "@" in username else username


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_rules()


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_rules()


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class InvitationAcceptForm(forms.Form):
    """What the invitee types; the password rules are checked by `invitation_accept`."""

    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        help_text=password_rules(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        help_text=_("Saisissez le même mot de passe, pour vérification."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

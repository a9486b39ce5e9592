"""Inviting territorial officers by e-mail, and accepting an invitation.

An invitation carries a random token; only its sha256 is stored, the token itself exists
only in the link sent by e-mail. A link works once, until it expires; inviting the same
address again makes the older links unusable, so only the latest e-mail counts.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.datetimes import long_date
from territories.models import Territory

from ..models import Invitation
from .responses import officer_add

# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 100


def token_hash(token: str) -> str:
    """The stored form of an invitation token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token designates, usable or not; None when unknown."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        Invitation.objects.select_related("invited_by").filter(token_hash=token_hash(token)).first()
    )


def invitation_link(*, token: str, base_url: str) -> str:
    """The absolute address of the acceptance page for `token`."""
    return base_url.rstrip("/") + reverse("accounts:invitation", kwargs={"token": token})


def unusable_reason(invitation: Invitation | None) -> ValidationError | None:
    """Why the link of `invitation` may not be used (None when it may)."""
    if invitation is None:
        return ValidationError(
            _(
                "Ce lien d’invitation n’est pas valable. Vérifiez que vous l’avez copié en "
                "entier depuis le message reçu."
            ),
            code="invitation_unknown",
        )
    if invitation.accepted_at is not None:
        return ValidationError(
            _(
                "Ce lien d’invitation a déjà été utilisé. Connectez-vous avec votre adresse "
                "électronique et le mot de passe choisi alors."
            ),
            code="invitation_used",
        )
    if not invitation.is_usable:
        return ValidationError(
            _(
                "Ce lien d’invitation a expiré. Demandez une nouvelle invitation à l’équipe du "
                "recensement."
            ),
            code="invitation_expired",
        )
    return None


def existing_user_for_email(email: str):
    """The account an invitation to `email` would reuse: the one named after the address,
    else the oldest one with that address; None when there is none."""
    return (
        get_user_model()
        .objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
        .order_by(
            Case(
                When(username__iexact=email, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "pk",
        )
        .first()
    )


@transaction.atomic
def invitation_send(
    *, email: str, territories: Iterable[Territory], invited_by, base_url: str
) -> Invitation:
    """Invite `email` to answer for `territories` and send the link by e-mail (once the
    transaction commits). Older pending invitations of the same address stop working."""
    email = (email or "").strip().lower()
    territories = list(territories)
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Saisissez une adresse électronique valide.")]
    if not territories:
        errors["territories"] = [_("Choisissez au moins un territoire.")]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    Invitation.objects.pending().filter(email__iexact=email).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        token_hash=token_hash(token),
        expires_at=now + datetime.timedelta(days=settings.INVITATION_TTL_DAYS),
        invited_by=invited_by if invited_by is not None and invited_by.is_authenticated else None,
    )
    invitation.territories.set(territories)

    subject, body = _invitation_message(
        invitation,
        territories=sorted(territories, key=lambda territory: territory.name),
        link=invitation_link(token=token, base_url=base_url),
    )
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return invitation


def inviter_name(invitation: Invitation) -> str:
    """How the person who sent `invitation` is named to the invitee."""
    inviter = invitation.invited_by
    if inviter is None:
        return _("L’équipe du recensement")
    return inviter.get_full_name() or inviter.email or inviter.get_username()


def _invitation_message(invitation: Invitation, *, territories, link: str) -> tuple[str, str]:
    # Invitees are French local authorities: the message is in French whatever the
    # language of the staff member's page.
    with translation.override("fr"):
        expires = long_date(invitation.expires_at)
        subject = _("Invitation au recensement des coopérations interterritoriales")
        body = "\n".join(
            [
                _("Bonjour,"),
                "",
                _(
                    "%(inviter)s vous invite à répondre au recensement des coopérations "
                    "interterritoriales pour :"
                )
                % {"inviter": inviter_name(invitation)},
                *(f"- {territory.name}" for territory in territories),
                "",
                _(
                    "Pour accepter, ouvrez le lien ci-dessous et choisissez votre mot de passe "
                    "(si vous avez déjà un compte à cette adresse, il sera mis à jour) :"
                ),
                link,
                "",
                _(
                    "Ce lien est personnel et ne sert qu’une fois. Il expire le %(date)s ; "
                    "au-delà, demandez une nouvelle invitation."
                )
                % {"date": expires},
                "",
                _("Si vous ne vous attendiez pas à ce message, ignorez-le simplement."),
            ]
        )
    return subject, body


@transaction.atomic
def invitation_accept(
    *, token: str, password1: str, password2: str, first_name: str = "", last_name: str = ""
):
    """Accept the invitation designated by `token`: create the account named after the
    invited address (or reuse the one that exists), set its password, make it an officer of
    every invited territory, and use up the link. Returns the user."""
    invitation = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        # Locked: of two submissions of the same link, the second waits, then finds it used.
        invitation = (
            Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
        )
    reason = unusable_reason(invitation)
    if reason is not None:
        raise reason

    user = existing_user_for_email(invitation.email)
    if user is not None and not user.is_active:
        raise ValidationError(
            _("Ce compte a été désactivé. Contactez l’équipe du recensement."),
            code="account_inactive",
        )
    if user is None:
        user = get_user_model()(username=invitation.email, email=invitation.email)

    errors: dict[str, list[str]] = {}
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        value = (value or "").strip()
        max_length = user._meta.get_field(field).max_length
        if len(value) > max_length:
            errors[field] = [
                _("%(max)d caractères au plus.") % {"max": max_length},
            ]
        elif value:
            setattr(user, field, value)
    if not password1:
        errors["password1"] = [_("Choisissez un mot de passe.")]
    else:
        try:
            validate_password(password1, user=user)
        except ValidationError as error:
            errors["password1"] = error.messages
        if password1 != password2:
            errors["password2"] = [_("Les deux mots de passe ne correspondent pas.")]
    if errors:
        raise ValidationError(errors)

    user.set_password(password1)
    if not user.email:
        user.email = invitation.email
    user.save()
    for territory in invitation.territories.all():
        officer_add(user=user, territory=territory)
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    return user

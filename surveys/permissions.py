"""Who may do what in the census, written once for the services, the views and the API.

A *reviewer* is a staff member (the relecture team); an *officer* answers for the
territories they are an `Officer` of. The scoping rules of the querysets
(`Campaign.objects.visible_to`, `Response.objects.visible_to`) and every check below read
these two definitions.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def is_reviewer(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


def is_officer_of(user, territory) -> bool:
    from .models import Officer

    if user is None or not user.is_authenticated:
        return False
    return Officer.objects.filter(user=user, territory=territory).exists()


def may_answer_for(user, territory) -> bool:
    """Reviewers answer for any territory (on an officer's behalf), officers for theirs."""
    return is_reviewer(user) or is_officer_of(user, territory)


def check_reviewer(user) -> None:
    if not is_reviewer(user):
        raise ValidationError(_("Seule l’équipe de relecture peut faire cela."))


def check_may_answer(user, territory) -> None:
    if user is None or not user.is_authenticated:
        raise ValidationError(_("Connectez-vous pour répondre."))
    if not may_answer_for(user, territory):
        raise ValidationError(_("Vous ne répondez pas pour ce territoire."))

"""API tokens that expire: `API_TOKEN_LIFETIME_DAYS` after they were issued."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_expires_at(token) -> datetime.datetime | None:
    """When `token` stops being accepted; None when tokens never expire (lifetime 0)."""
    days = settings.API_TOKEN_LIFETIME_DAYS
    if not days:
        return None
    return token.created + datetime.timedelta(days=days)


def token_is_expired(token) -> bool:
    """Whether `token` is past its lifetime."""
    expires_at = token_expires_at(token)
    return expires_at is not None and expires_at <= timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's `Authorization: Token <key>`, refused (401) once the token is older than
    `API_TOKEN_LIFETIME_DAYS`: a key copied into a script or a notebook stops working by
    itself. Staff issue a new one in the admin (action "Renouveler")."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(
                _("Jeton expiré : demandez-en un nouveau à l’équipe du portail.")
            )
        return user, token

"""The admin of API tokens: when each one expires, and a renewal action."""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.authtoken.admin import TokenAdmin as BaseTokenAdmin
from rest_framework.authtoken.models import Token, TokenProxy

from config.api.authentication import token_expires_at, token_is_expired


class TokenAdmin(BaseTokenAdmin):
    list_display = ("key", "user", "created", "expires_at", "is_expired")
    readonly_fields = ("expires_at",)
    actions = ["renew"]

    @admin.display(description=_("expire le"))
    def expires_at(self, token):
        if token.pk is None:
            return "—"
        return token_expires_at(token) or _("jamais")

    @admin.display(description=_("expiré"), boolean=True)
    def is_expired(self, token):
        return token_is_expired(token)

    @admin.action(
        description=_("Renouveler les jetons sélectionnés (nouvelle clé, nouvelle durée)")
    )
    def renew(self, request, queryset):
        with transaction.atomic():
            users = [token.user for token in queryset.select_related("user")]
            Token.objects.filter(user__in=users).delete()
            for user in users:
                Token.objects.create(user=user)
        self.message_user(
            request,
            ngettext("%(count)d jeton renouvelé.", "%(count)d jetons renouvelés.", len(users))
            % {"count": len(users)},
        )


if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)
admin.site.register(TokenProxy, TokenAdmin)

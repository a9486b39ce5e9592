"""Sign-in pages under /compte/ (namespace `accounts`)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import accounts

app_name = "accounts"

urlpatterns = [
    path("connexion/", accounts.LoginView.as_view(), name="login"),
    # Django's LogoutView accepts POST only.
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("mot-de-passe/oubli/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reinitialisation/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reinitialisation/terminee/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", accounts.InvitationView.as_view(), name="invitation"),
]

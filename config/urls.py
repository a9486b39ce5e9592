from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

handler400 = "config.errors.bad_request"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("", include("territories.urls")),
    path("", include("cooperation.urls")),
    path("enquetes/", include("surveys.urls")),
    path("compte/", include("surveys.account_urls")),
    path("telechargements/", include("jobs.urls")),
    path("api/v1/", include("config.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # The language switch is on every page: without a CSRF token in its form, a page with
    # no other form sets no CSRF cookie. Changing the display language is all a forged
    # post could do (and the language cookie is SameSite=Lax).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

from django.urls import include, path

urlpatterns = [
    path("", include("territories.api.urls")),
]

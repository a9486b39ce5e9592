from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("metropoles/", views.MetropolisListView.as_view(), name="metropolis_list"),
    path("territoires/", views.TerritoryListView.as_view(), name="list"),
    path(
        "territoires/<slug:kind>/<str:code>/",
        views.TerritoryDetailView.as_view(),
        name="detail",
    ),
]

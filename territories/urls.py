from django.urls import path

from . import export_views, views

app_name = "territories"
urlpatterns = [
    path("metropoles/", views.MetropolisListView.as_view(), name="metropolis_list"),
    path("territoires/", views.TerritoryListView.as_view(), name="list"),
    # Before the territory pages, whose pattern would take "export" for a kind.
    path(
        "territoires/export/<str:fmt>/",
        export_views.TerritoryExportView.as_view(),
        name="export",
    ),
    path(
        "territoires/<slug:kind>/<str:code>/",
        views.TerritoryDetailView.as_view(),
        name="detail",
    ),
    path(
        "metropoles/export/<str:fmt>/",
        export_views.MetropolisExportView.as_view(),
        name="metropolis_export",
    ),
]

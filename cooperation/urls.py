from django.urls import path

from . import citation_views, datapackage_views, export_views, views
from .network import views as network_views
from .statistics import views as statistics_views

app_name = "cooperation"
urlpatterns = [
    path("cooperations/", views.CooperationListView.as_view(), name="list"),
    path(
        "cooperations/export/<str:fmt>/",
        export_views.CooperationExportView.as_view(),
        name="export",
    ),
    path("cooperations/<slug:slug>/", views.CooperationDetailView.as_view(), name="detail"),
    path("reseau/", network_views.NetworkView.as_view(), name="network"),
    path(
        "reseau/export/<str:fmt>/",
        network_views.NetworkExportView.as_view(),
        name="network_export",
    ),
    path("statistiques/", statistics_views.StatisticsView.as_view(), name="statistics"),
    path(
        "statistiques/<slug:name>.csv",
        statistics_views.StatisticsCSVView.as_view(),
        name="statistics_csv",
    ),
    path(
        "cooperations/paquet-de-donnees.zip",
        datapackage_views.DataPackageView.as_view(),
        name="datapackage",
    ),
    path(
        "cooperations/citations.<str:fmt>",
        citation_views.SelectionCitationView.as_view(),
        name="citations",
    ),
    path(
        "cooperations/<slug:slug>/citation.<str:fmt>",
        citation_views.CooperationCitationView.as_view(),
        name="citation",
    ),
]

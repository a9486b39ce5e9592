from django.urls import path

from . import export_views, views

app_name = "cooperation"
urlpatterns = [
    path("cooperations/", views.CooperationListView.as_view(), name="list"),
    path(
        "cooperations/export/<str:fmt>/",
        export_views.CooperationExportView.as_view(),
        name="export",
    ),
    path("cooperations/<slug:slug>/", views.CooperationDetailView.as_view(), name="detail"),
]

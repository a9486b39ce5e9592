from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("<uuid:pk>/", views.ExportJobView.as_view(), name="export_job"),
    path("<uuid:pk>/fichier/", views.ExportJobFileView.as_view(), name="export_file"),
    path("<uuid:pk>/relancer/", views.ExportJobRetryView.as_view(), name="export_retry"),
]

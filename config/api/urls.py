"""One router for /api/v1/: each app's api/urls.py declares its viewsets, and they are
served together so the API root lists every endpoint."""

from django.urls import path

from cooperation.api.urls import router as cooperation_router
from cooperation.datapackage_views import DataPackageAPIView
from cooperation.network.api import NetworkView
from jobs.api.urls import router as jobs_router
from surveys.api.urls import router as surveys_router
from territories.api.urls import router as territories_router

from .routers import Router

router = Router()
for app_router in (territories_router, cooperation_router, surveys_router, jobs_router):
    router.registry.extend(app_router.registry)
urlpatterns = [
    *router.urls,
    path("network/", NetworkView.as_view(), name="network"),
    # The whole published registry as a Frictionless Data Package (docs/open-data.md).
    path("datapackage/", DataPackageAPIView.as_view(), name="datapackage"),
]

from config.api.routers import Router

from .views import ExportJobViewSet

router = Router()
# URL names: export-job-detail, export-job-file, export-job-retry (kwarg pk).
router.register("exports", ExportJobViewSet, basename="export-job")

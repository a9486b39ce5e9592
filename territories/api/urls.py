from config.api.routers import Router

from .views import TerritoryViewSet

router = Router()
# URL names: "territory-list" and "territory-detail" (kwargs kind, code). Clients and other
# apps reverse them: keep them stable.
router.register("territories", TerritoryViewSet, basename="territory")
urlpatterns = router.urls

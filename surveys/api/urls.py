from config.api.routers import Router

from .views import CampaignViewSet, ResponseViewSet

router = Router()
# URL names, reversed by clients and other apps (the answer page's autosave script) — keep
# them stable: campaign-list, campaign-detail (kwarg pk); response-list, response-detail,
# response-submit (kwarg pk).
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("responses", ResponseViewSet, basename="response")
urlpatterns = router.urls

from config.api.routers import Router

router = Router()
urlpatterns = router.urls

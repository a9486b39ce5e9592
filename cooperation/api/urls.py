from config.api.routers import Router

from .statistics import StatisticsViewSet
from .views import (
    CooperationViewSet,
    InstrumentViewSet,
    PartnershipViewSet,
    SourceViewSet,
    ThemeViewSet,
)

router = Router()
# URL names, reversed by clients and other apps — keep them stable:
# cooperation-list, cooperation-detail (kwarg slug);
# cooperation-partner-list, cooperation-partner-detail (kwargs cooperation_slug, pk);
# cooperation-source-list, cooperation-source-detail (kwargs cooperation_slug, pk);
# theme-list; instrument-list.
router.register("cooperations", CooperationViewSet, basename="cooperation")
router.register(
    r"cooperations/(?P<cooperation_slug>[^/.]+)/partners",
    PartnershipViewSet,
    basename="cooperation-partner",
)
router.register(
    r"cooperations/(?P<cooperation_slug>[^/.]+)/sources",
    SourceViewSet,
    basename="cooperation-source",
)
router.register("themes", ThemeViewSet, basename="theme")
router.register("instruments", InstrumentViewSet, basename="instrument")
router.register("statistics", StatisticsViewSet, basename="statistics")
urlpatterns = router.urls

"""Pages of the survey app under /enquetes/: officers answering, reviewers reviewing."""

from django.urls import path

from .views import answering as answering_views
from .views import review as review_views
from .views.exports import ResponseExportView

app_name = "surveys"

# Officers answering for their territories (surveys/views/answering.py).
answering = [
    path("", answering_views.OfficerHomeView.as_view(), name="home"),
    path(
        "<int:campaign_id>/<slug:kind>/<str:code>/",
        answering_views.AnswerView.as_view(),
        name="answer",
    ),
    path(
        "<int:campaign_id>/<slug:kind>/<str:code>/accuse-de-reception/",
        answering_views.ReceiptView.as_view(),
        name="receipt",
    ),
    path("reponses/<int:pk>/", answering_views.ResponseRedirectView.as_view(), name="response"),
    path(
        "<int:campaign_id>/<slug:kind>/<str:code>/version-imprimable/",
        answering_views.SubmittedPrintView.as_view(),
        name="print",
    ),
]

# Reviewers: queue, response review, coverage, question tallies, exports (surveys/views/review.py).
review = [
    path("revue/", review_views.ReviewQueueView.as_view(), name="review_queue"),
    path(
        "revue/reponses/<int:response_id>/",
        review_views.ReviewResponseView.as_view(),
        name="review_response",
    ),
    path(
        "revue/campagnes/", review_views.ReviewCampaignListView.as_view(), name="review_campaigns"
    ),
    path(
        "revue/campagnes/<int:campaign_id>/couverture/",
        review_views.CampaignCoverageView.as_view(),
        name="coverage",
    ),
    path(
        "revue/campagnes/<int:campaign_id>/questions/",
        review_views.QuestionTalliesView.as_view(),
        name="question_tallies",
    ),
    path(
        "revue/campagnes/<int:campaign_id>/questions.csv",
        review_views.QuestionTalliesView.as_view(csv=True),
        name="question_tallies_csv",
    ),
    path(
        "revue/campagnes/<int:campaign_id>/export/<str:fmt>/",
        ResponseExportView.as_view(),
        name="review_export",
    ),
]

urlpatterns = answering + review

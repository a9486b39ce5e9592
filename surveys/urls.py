"""Pages of the survey app under /enquetes/: officers answering, reviewers reviewing."""

from django.urls import path  # noqa: F401

app_name = "surveys"

# Officers answering for their territories (surveys/views/answering.py).
answering = []

# Reviewers: queue, response review, coverage, exports (surveys/views/review.py).
review = []

urlpatterns = answering + review

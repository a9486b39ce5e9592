from django.views.generic import TemplateView

from cooperation.models import Cooperation
from territories.models import Territory


class HomeView(TemplateView):
    """What the portal is, a few figures from the database, and a search box."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = {
            "cooperations": Cooperation.objects.published().count(),
            **Territory.objects.current().key_figures(),
        }
        return context

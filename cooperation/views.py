from django.views.generic import DetailView, ListView

from .models import Cooperation


class CooperationListView(ListView):
    model = Cooperation


class CooperationDetailView(DetailView):
    model = Cooperation

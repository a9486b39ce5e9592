from django.http import Http404
from django.views import View


class CooperationExportView(View):
    def get(self, request, fmt):
        raise Http404

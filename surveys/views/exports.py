"""Reviewers' downloads: /enquetes/revue/campagnes/<id>/export/<fmt>/?<the queue's query
string> — the responses of a campaign, filtered like the review queue (same FilterSet),
as csv (one table), xlsx or ods (every table)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from cooperation.export_views import bad_request
from jobs.downloads import export_now_or_later
from jobs.models import ExportJob

from ..export_requests import CampaignExport
from ..exports import FORMATS
from ..models import Campaign
from .review import StaffRequiredMixin


class ResponseExportView(StaffRequiredMixin, View):
    """Staff only: anonymous visitors go to the sign-in page, officers get a 403.
    `table=responses|cooperations|codebook` picks the CSV's table; `sep=semicolon` for
    French Excel. Past the thresholds, the file is prepared in the background: the answer
    is then the job's page."""

    def get(self, request, campaign_id: int, fmt: str):
        if fmt not in FORMATS:
            raise Http404(_("Format d’export inconnu : « %s ».") % fmt)
        campaign = get_object_or_404(
            Campaign.objects.visible_to(request.user).select_related("questionnaire"),
            pk=campaign_id,
        )
        export = CampaignExport.for_request(request, campaign, fmt)
        if errors := export.errors():
            return bad_request(
                errors, hint=_("Corrigez les filtres de la file de relecture, puis réessayez.")
            )
        result = export_now_or_later(request, export)
        if isinstance(result, ExportJob):
            return redirect(result)
        return result

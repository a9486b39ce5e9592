"""Reviewers' downloads: /enquetes/revue/campagnes/<id>/export/<fmt>/?<the queue's query
string> — the responses of a campaign, filtered like the review queue (same FilterSet),
as csv (one table), xlsx or ods (every table)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from cooperation.export_views import bad_request, filter_errors
from cooperation.exports import DELIMITERS

from ..exports import FORMATS, TABLES, campaign_export_response
from ..filters import ResponseFilterSet
from ..models import Campaign, Response
from .review import StaffRequiredMixin


class ResponseExportView(StaffRequiredMixin, View):
    """Staff only: anonymous visitors go to the sign-in page, officers get a 403.
    `table=responses|cooperations|codebook` picks the CSV's table; `sep=semicolon` for
    French Excel."""

    def get(self, request, campaign_id: int, fmt: str):
        if fmt not in FORMATS:
            raise Http404(_("Format d’export inconnu : « %s ».") % fmt)
        campaign = get_object_or_404(
            Campaign.objects.visible_to(request.user).select_related("questionnaire"),
            pk=campaign_id,
        )
        responses = Response.objects.visible_to(request.user).for_campaign(campaign)
        filterset = ResponseFilterSet(request.GET, queryset=responses, request=request)
        errors = [] if filterset.is_valid() else filter_errors(filterset)
        sep = request.GET.get("sep", "comma")
        if sep not in DELIMITERS:
            errors.append(_("Séparateur inconnu : « %s » (comma ou semicolon).") % sep)
        table = request.GET.get("table", "responses")
        if table not in TABLES:
            errors.append(
                _("Table inconnue : « %s » (responses, cooperations ou codebook).") % table
            )
        if errors:
            return bad_request(
                errors, hint=_("Corrigez les filtres de la file de relecture, puis réessayez.")
            )
        return campaign_export_response(
            campaign, filterset.qs, fmt=fmt, table=table, delimiter=DELIMITERS[sep]
        )

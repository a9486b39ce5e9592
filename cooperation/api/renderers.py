from rest_framework.renderers import BaseRenderer, JSONRenderer


class CSVRenderer(BaseRenderer):
    """Lets `?format=csv` (or `Accept: text/csv`) select the CSV export of a list.

    The list view answers with the export's file itself (cooperation.export_requests), or
    202 Accepted for a large one, and never hands data to this renderer; errors are
    rendered as JSON (see CooperationViewSet.finalize_response). Should anything else
    reach it, it answers JSON rather than a broken CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data, renderer_context=renderer_context)

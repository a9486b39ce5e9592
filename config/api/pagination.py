from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as BasePageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param


class PageNumberPagination(BasePageNumberPagination):
    """Page-number pagination; clients choose `page_size` up to 500.

    A `page_size` that is not a whole number of at least 1 is a 400 on the `page_size`
    key, like an invalid filter value (DRF would silently fall back to the default). A
    value over the maximum is capped to it, as documented; an empty value means the default.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def page_size_errors(self, request) -> dict[str, list[str]]:
        """The `page_size` parameter's error, `{}` when it is absent, empty or valid."""
        raw = request.query_params.get(self.page_size_query_param, "").strip()
        if not raw:
            return {}
        try:
            valid = int(raw, 10) >= 1
        except ValueError:
            valid = False
        if valid:
            return {}
        message = _("Saisissez un nombre entier entre 1 et %(maximum)d.") % {
            "maximum": self.max_page_size
        }
        return {self.page_size_query_param: [message]}

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if links := self.get_links():
            response["Link"] = links
        return response

    def get_links(self) -> str:
        """RFC 8288 `Link` header: `first`, `prev`, `next` and `last` pages, as in the body."""
        links = []
        if self.page.has_previous():
            links.append((self.get_first_link(), "first"))
            links.append((self.get_previous_link(), "prev"))
        if self.page.has_next():
            links.append((self.get_next_link(), "next"))
            links.append((self.get_last_link(), "last"))
        return ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links)

    def get_first_link(self) -> str:
        return remove_query_param(self.request.build_absolute_uri(), self.page_query_param)

    def get_last_link(self) -> str:
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.page_query_param, self.page.paginator.num_pages)

    def get_page_size(self, request):
        if errors := self.page_size_errors(request):
            raise ValidationError(errors)
        return super().get_page_size(request)

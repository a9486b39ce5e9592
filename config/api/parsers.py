"""Request body parsers of the API."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No body the API takes comes near this (survey answers are about six levels deep); far
# deeper would exhaust Python's recursion limit, in the decoder or in the code that reads
# the data afterwards.
MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing JSON nested more than MAX_JSON_DEPTH levels deep
    (arrays and objects) with a 400, like any unreadable body."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # deeper than the decoder can go
            raise too_deep() from None
        if depth_exceeds(data, MAX_JSON_DEPTH):
            raise too_deep()
        return data


def too_deep() -> ParseError:
    return ParseError(
        _("JSON parse error - imbrication trop profonde (%(limit)d niveaux au plus).")
        % {"limit": MAX_JSON_DEPTH}
    )


def depth_exceeds(data, limit: int) -> bool:
    """Whether arrays and objects in `data` are nested more than `limit` levels deep
    (without recursion, whatever the depth)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False

from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    """DefaultRouter that lets a viewset declare a lookup made of several URL parts.

    A viewset sets `lookup_regex`, e.g. `(?P<kind>region|epci)/(?P<code>[^/.]+)`, and its
    detail route becomes `<prefix>/<kind>/<code>/`, still named `<basename>-detail`.
    """

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_regex = getattr(viewset, "lookup_regex", None)
        if lookup_regex:
            return lookup_regex
        return super().get_lookup_regex(viewset, lookup_prefix)

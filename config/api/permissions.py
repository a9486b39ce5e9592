"""Who may write through the API. What each client may *read* is decided by the models'
`visible_to(user)` scoping, applied in each viewset's `get_queryset()`."""

from rest_framework import permissions


class IsStaffOrReadOnly(permissions.BasePermission):
    """Reads for everyone; writes for staff only.

    An anonymous write gets 401 (with a `WWW-Authenticate: Token` challenge), a signed-in
    non-staff user's write 403: DRF decides between the two from whether authentication
    succeeded."""

    # Read by config.api.schema.AutoSchema: reads need no credentials in the OpenAPI file.
    allows_anonymous_reads = True

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)

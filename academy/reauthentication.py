"""Re-authentication before the riskiest actions: role changes (the admin), API token creation
(the profile's token page) and exports of other people's personal data.

allauth's ``reauthentication_required`` sends a user whose last re-authentication is older
than ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` to confirm their password (or a second factor), then
back to where they were; a POST is kept and replayed. allauth counts only such confirmations,
not the sign-in itself.

The API is not wrapped: it authenticates with tokens, and creating a token already needed a
re-authentication (``academy.views_profile.api_token``).
"""

from allauth.account.decorators import reauthentication_required

__all__ = ["reauthentication_required", "require_reauthentication"]


def require_reauthentication(request) -> None:
    """Raise allauth's ``ReauthenticationRequired`` unless ``request`` re-authenticated
    recently, for a view that knows only half-way whether it hands out others' data."""
    reauthentication_required(_nothing)(request)


def _nothing(request):
    return None

"""Token authentication that reads the officer's profile with the token.

Most of the API acts for an officer and reads their profile (job group, organisation): joining
it to the token's query saves each request a query of its own.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        # DRF's checks and messages, on a query that also joins the profile.
        model = self.get_model()
        try:
            token = model.objects.select_related("user__officer_profile").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)

"""What browsers and shared caches may keep of the portal's answers.

Pages for a signed-in user show personal data (a name in the menu at least, often others'
records): no cache, shared or the browser's own, may store them, or the next person at a
shared computer, or a proxy, could read them back. Answers to anonymous visitors (the public
catalogue, certificate verification) keep whatever their views say.
"""

from django.utils.cache import patch_cache_control


class PrivateWhenSignedInMiddleware:
    """Marks every answer to a signed-in user ``private, no-store``, unless its view said
    ``public`` on purpose (documents that are the same for everyone, such as the issuer's
    keys) or already forbade storing it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Signed in with the session (known before the view), or with a token (DRF sets
        # request.user while the view runs). A view that ignores who asks, such as the public
        # verification API, still answers a signed-in browser.
        signed_in = _signed_in(request)
        response = self.get_response(request)
        if not (signed_in or _signed_in(request)):
            return response
        directives = {
            part.strip().split("=", 1)[0].lower()
            for part in response.get("Cache-Control", "").split(",")
            if part.strip()
        }
        if "public" in directives:
            return response
        if "no-store" not in directives or "private" not in directives:
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated

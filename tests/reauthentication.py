"""Helpers of the re-authentication tests (academy.reauthentication): a stale sign-in, the
prompt it leads to, and confirming the password there."""

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from tests.factories import DEFAULT_PASSWORD


def sign_in_stale(client, user) -> None:
    """Signed in, but not re-authenticated since (allauth doesn't count the sign-in)."""
    client.force_login(user, fresh=False)


def age_authentication(client, seconds: float) -> None:
    """Move every authentication record of the session ``seconds`` into the past."""
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= seconds
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


def expire_reauthentication(client) -> None:
    """The last re-authentication is just older than ACCOUNT_REAUTHENTICATION_TIMEOUT."""
    age_authentication(client, settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)


def prompt_for(path: str) -> str:
    """Where allauth sends a request for ``path`` that needs a re-authentication."""
    return f"{reverse('account_reauthenticate')}?{urlencode({'next': path})}"


def reauthenticate(client, path: str):
    """Confirm the password on the prompt; allauth then resumes the request for ``path``."""
    return client.post(
        reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD, "next": path}
    )

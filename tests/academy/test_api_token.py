"""``manage.py api_token EMAIL``: one fresh token per account, audited without the secret."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from academy.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def _issue(email: str) -> str:
    out = StringIO()
    call_command("api_token", email, stdout=out)
    return out.getvalue().strip()


def test_prints_a_token_that_authenticates(hr_ict):
    key = _issue("hr@ict.demo.go.ke")

    assert len(key) == 40
    user, token = TokenAuthentication().authenticate_credentials(key)
    assert user == hr_ict
    assert token.key == key


def test_token_authenticates_an_api_request(hr_ict):
    from rest_framework.permissions import IsAuthenticated
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    class WhoAmI(APIView):
        permission_classes = [IsAuthenticated]

        def get(self, request):
            return Response({"email": request.user.email})

    key = _issue("hr@ict.demo.go.ke")
    factory = APIRequestFactory()

    anonymous = WhoAmI.as_view()(factory.get("/whoami"))
    with_token = WhoAmI.as_view()(factory.get("/whoami", HTTP_AUTHORIZATION=f"Token {key}"))

    assert anonymous.status_code == 401
    assert with_token.status_code == 200
    assert with_token.data == {"email": "hr@ict.demo.go.ke"}


def test_a_new_token_replaces_the_old_one(hr_ict):
    old = _issue("hr@ict.demo.go.ke")
    new = _issue("HR@ict.demo.go.ke")  # the address is matched without regard to case

    assert old != new
    assert list(Token.objects.filter(user=hr_ict).values_list("key", flat=True)) == [new]
    with pytest.raises(AuthenticationFailed):
        TokenAuthentication().authenticate_credentials(old)


def test_issuing_is_audited_without_the_token(hr_ict):
    first = _issue("hr@ict.demo.go.ke")
    second = _issue("hr@ict.demo.go.ke")

    events = AuditEvent.objects.filter(action="academy.api_token.created").order_by("pk")
    assert [e.data for e in events] == [
        {"replaced_earlier_token": False},
        {"replaced_earlier_token": True},
    ]
    assert all(e.target == hr_ict and e.actor is None for e in events)
    stored = json.dumps([e.data for e in events])
    assert first not in stored and second not in stored


def test_unknown_address_is_a_clear_error(db):
    with pytest.raises(CommandError, match=r"No account has the e-mail address 'nobody@go\.ke'"):
        _issue("nobody@go.ke")
    assert not Token.objects.exists()


def test_inactive_account_gets_no_token(hr_ict):
    User.objects.filter(pk=hr_ict.pk).update(is_active=False)

    with pytest.raises(CommandError, match="inactive"):
        _issue("hr@ict.demo.go.ke")
    assert not Token.objects.exists()
    assert not AuditEvent.objects.exists()

"""Re-authentication before role changes (the admin) and API token creation (the profile's token
page): a stale sign-in is sent to confirm the password, a fresh one passes, and after
confirming the user lands back where they were, their POST carried out.

The exports of personal data have theirs next to their other tests: tests/enrollments/
test_roster.py, tests/reports/test_run_pages.py, tests/reports/test_subscriptions.py and
tests/certificates/test_access.py."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from academy import services
from academy.models import AuditEvent, Membership
from tests.factories import MembershipFactory, UserFactory
from tests.reauthentication import (
    expire_reauthentication,
    prompt_for,
    reauthenticate,
    sign_in_stale,
)

pytestmark = pytest.mark.django_db

Role = Membership.Role
TOKEN_URL = "/profile/api-token/"


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@ksg.ac.ke", is_staff=True, is_superuser=True)


# --- The API token page ------------------------------------------------------------------------


def test_the_token_page_is_linked_from_the_profile(client, wanjiku):
    client.force_login(wanjiku)

    assert f'href="{TOKEN_URL}"' in client.get(reverse("academy:profile")).content.decode()
    assert reverse("academy:api_token") == TOKEN_URL


def test_the_anonymous_are_sent_to_sign_in(client):
    response = client.get(TOKEN_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_without_a_token_the_page_says_so(client, wanjiku):
    sign_in_stale(client, wanjiku)  # looking needs no re-authentication

    response = client.get(TOKEN_URL)

    assert response.status_code == 200
    assert "You have no API token." in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_page_shows_only_the_start_and_date_of_a_token(client, hr_ict):
    token = services.api_token_create(user=hr_ict, by=None)
    client.force_login(hr_ict)

    page = client.get(TOKEN_URL).content.decode()

    assert f"{token.key[:4]}…" in page
    assert token.key not in page
    assert "Replace the token" in page


def test_creating_a_token_shows_it_once_and_audits_it_without_the_key(client, hr_ict):
    client.force_login(hr_ict)

    response = client.post(TOKEN_URL, {"action": "create"})

    token = Token.objects.get(user=hr_ict)
    page = response.content.decode()
    assert response.status_code == 200
    assert token.key in page
    assert "it will not be shown again" in page
    assert "no-store" in response["Cache-Control"]
    assert token.key not in client.get(TOKEN_URL).content.decode()
    event = AuditEvent.objects.get(action="academy.api_token.created")
    assert event.actor == hr_ict
    assert token.key not in str(event.data)


def test_replacing_a_token_stops_the_old_one(client, hr_ict):
    old = services.api_token_create(user=hr_ict, by=None).key
    client.force_login(hr_ict)

    client.post(TOKEN_URL, {"action": "create"})

    assert Token.objects.get(user=hr_ict).key != old
    api = client.__class__()
    assert api.get("/api/v1/me/enrolments/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401


def test_revoking_a_token_deletes_and_audits_it(client, hr_ict):
    services.api_token_create(user=hr_ict, by=None)
    client.force_login(hr_ict)

    response = client.post(TOKEN_URL, {"action": "revoke"}, follow=True)

    assert not Token.objects.filter(user=hr_ict).exists()
    assert "Your API token has been revoked." in response.content.decode()
    event = AuditEvent.objects.get(action="academy.api_token.revoked")
    assert (event.actor, event.data) == (hr_ict, {})


@pytest.mark.parametrize("action", ["create", "revoke"])
def test_a_stale_sign_in_must_reauthenticate_to_change_the_token(client, hr_ict, action):
    services.api_token_create(user=hr_ict, by=None)
    before = Token.objects.get(user=hr_ict).key
    sign_in_stale(client, hr_ict)

    response = client.post(TOKEN_URL, {"action": action})

    assert response.status_code == 302
    assert response["Location"] == prompt_for(TOKEN_URL)
    assert Token.objects.get(user=hr_ict).key == before


def test_a_reauthentication_older_than_the_timeout_no_longer_counts(client, hr_ict):
    client.force_login(hr_ict)
    expire_reauthentication(client)

    response = client.post(TOKEN_URL, {"action": "create"})

    assert response["Location"] == prompt_for(TOKEN_URL)
    assert not Token.objects.filter(user=hr_ict).exists()


def test_after_reauthenticating_the_token_is_made_and_shown(client, hr_ict):
    sign_in_stale(client, hr_ict)
    client.post(TOKEN_URL, {"action": "create"})

    response = reauthenticate(client, TOKEN_URL)

    token = Token.objects.get(user=hr_ict)  # the kept POST, carried out
    assert response.status_code == 200
    assert token.key in response.content.decode()


def test_a_wrong_password_on_the_prompt_makes_no_token(client, hr_ict):
    sign_in_stale(client, hr_ict)
    client.post(TOKEN_URL, {"action": "create"})

    response = client.post(
        reverse("account_reauthenticate"), {"password": "not-the-password", "next": TOKEN_URL}
    )

    assert response.status_code == 200
    assert not Token.objects.filter(user=hr_ict).exists()


def test_the_api_token_command_still_prints_a_token(wanjiku, capsys):
    from django.core.management import call_command

    call_command("api_token", wanjiku.email)

    assert capsys.readouterr().out.strip() == Token.objects.get(user=wanjiku).key


# --- Role changes in the admin -----------------------------------------------------------------


def _admin_urls(wanjiku, membership):
    return {
        "user_change": reverse("admin:academy_user_change", args=[wanjiku.pk]),
        "user_add": reverse("admin:academy_user_add"),
        "user_password": reverse("admin:auth_user_password_change", args=[wanjiku.pk]),
        "membership_add": reverse("admin:academy_membership_add"),
        "membership_change": reverse("admin:academy_membership_change", args=[membership.pk]),
        "membership_delete": reverse("admin:academy_membership_delete", args=[membership.pk]),
    }


@pytest.fixture
def membership(otieno):
    return MembershipFactory(user=otieno, role=Role.FACILITATOR)


@pytest.mark.parametrize(
    "name",
    [
        "user_change",
        "user_add",
        "user_password",
        "membership_add",
        "membership_change",
        "membership_delete",
    ],
)
def test_role_change_pages_ask_a_stale_sign_in_to_reauthenticate(
    client, superuser, wanjiku, membership, name
):
    path = _admin_urls(wanjiku, membership)[name]
    sign_in_stale(client, superuser)

    assert client.get(path)["Location"] == prompt_for(path)
    assert client.post(path, {})["Location"] == prompt_for(path)

    client.force_login(superuser)  # now fresh
    assert client.get(path).status_code == 200


def test_the_admin_lists_need_no_reauthentication(client, superuser):
    sign_in_stale(client, superuser)

    assert client.get(reverse("admin:academy_membership_changelist")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_bulk_revocation_from_the_list_needs_reauthentication(client, superuser, membership):
    path = reverse("admin:academy_membership_changelist")
    sign_in_stale(client, superuser)

    response = client.post(
        path, {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"}
    )

    assert response["Location"] == prompt_for(path)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_after_reauthenticating_the_role_is_granted(client, superuser, wanjiku):
    path = reverse("admin:academy_membership_add")
    sign_in_stale(client, superuser)
    client.post(path, {"user": wanjiku.pk, "role": Role.FACILITATOR, "organisation": ""})
    assert not Membership.objects.filter(user=wanjiku).exists()

    response = reauthenticate(client, path)

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:academy_membership_changelist")
    granted = Membership.objects.get(user=wanjiku)
    assert (granted.role, granted.granted_by) == (Role.FACILITATOR, superuser)
    assert AuditEvent.objects.filter(action="academy.membership.granted").exists()


def test_after_reauthenticating_the_form_opens(client, superuser, wanjiku, membership):
    path = _admin_urls(wanjiku, membership)["user_change"]
    sign_in_stale(client, superuser)
    client.get(path)

    response = reauthenticate(client, path)

    assert response["Location"] == path
    assert client.get(path).status_code == 200


def test_re_authentication_takes_no_code_sent_by_e_mail(client, wanjiku):
    """The password or a second factor: a code e-mailed to the account would make the mailbox
    alone enough to make a token or export others' data."""
    sign_in_stale(client, wanjiku)

    page = client.get(reverse("account_reauthenticate")).content.decode()

    assert reverse("account_request_reauthentication_code") not in page
    assert client.post(reverse("account_request_reauthentication_code")).status_code == 403

"""Subject access: an officer reads and downloads everything held about them; secrets stay
out; each export is audited without its content."""

import json

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from academy.models import AuditEvent
from tests.privacy.conftest import RECOVERY_SEED, TOTP_SECRET

pytestmark = pytest.mark.django_db


def _download(client, user):
    client.force_login(user)
    response = client.get(reverse("privacy:my_data_json"))
    assert response.status_code == 200
    return response, json.loads(response.content)


def _section(data, key):
    return next(s for s in data["sections"] if s["key"] == key)


def test_the_json_download_holds_the_person_s_data(client, rich_wanjiku, certificate):
    response, data = _download(client, rich_wanjiku)
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    account = _section(data, "academy.User:pk")["rows"][0]
    assert account["email"] == "wanjiku@ict.demo.go.ke"
    assert account["full_name"] == "Wanjiku Kamau"
    profile = _section(data, "academy.OfficerProfile:user")["rows"][0]
    assert profile["personal_number"] == "2019001234"
    assert profile["national_id"] == "28123456"
    assert profile["gender"] == "Female"
    enrolment = _section(data, "enrollments.Enrollment:officer")["rows"][0]
    assert enrolment["state"] == "Completed"
    assert enrolment["cohort"] == "DPD-101-LK"
    attendance = _section(data, "enrollments.Attendance:enrollment__officer")["rows"]
    assert len(attendance) == 2
    assert {row["recorded_by"] for row in attendance} == {"another person"}
    certificates = _section(data, "certificates.Certificate:enrollment__officer")["rows"]
    assert certificates[0]["serial"] == certificate.serial
    factors = _section(data, "mfa.Authenticator:user")["rows"]
    assert sorted(row["type"] for row in factors) == ["Recovery codes", "TOTP Authenticator"]
    assert set(factors[0]) == {"type", "created_at", "last_used_at"}
    token = _section(data, "authtoken.Token:user")["rows"]
    assert len(token) == 1 and set(token[0]) == {"created"}
    assert _section(data, "account.EmailAddress:user")["rows"][0]["verified"] is True


def test_secrets_are_not_in_the_download(client, rich_wanjiku, certificate):
    response, _ = _download(client, rich_wanjiku)
    body = response.content.decode()
    for secret in (
        TOTP_SECRET,
        RECOVERY_SEED,
        Token.objects.get(user=rich_wanjiku).key,
        rich_wanjiku.password,
    ):
        assert secret not in body


def test_another_person_s_data_is_not_in_the_download(client, rich_wanjiku, trainer, otieno):
    response, _ = _download(client, rich_wanjiku)
    body = response.content.decode()
    for other in (trainer.email, trainer.full_name, otieno.email, "2017005678"):
        assert other not in body


def test_the_page_shows_the_same_data_without_secrets(client, rich_wanjiku, certificate):
    client.force_login(rich_wanjiku)
    response = client.get(reverse("privacy:my_data"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    for shown in ("wanjiku@ict.demo.go.ke", "2019001234", "28123456", certificate.serial):
        assert shown in page
    for secret in (TOTP_SECRET, Token.objects.get(user=rich_wanjiku).key):
        assert secret not in page
    assert reverse("privacy:my_data_json") in page
    assert reverse("privacy:erasure") in page


def test_each_export_is_audited_without_its_content(client, rich_wanjiku):
    _download(client, rich_wanjiku)
    client.get(reverse("privacy:my_data"))
    events = AuditEvent.objects.filter(action="privacy.subject_access.exported").order_by("pk")
    assert [e.data for e in events] == [{"format": "json"}, {"format": "html"}]
    assert all(e.actor_id == rich_wanjiku.pk for e in events)


def test_the_profile_page_links_to_the_data_page(client, wanjiku):
    client.force_login(wanjiku)
    page = client.get(reverse("academy:profile")).content.decode()
    assert reverse("privacy:my_data") in page


def test_anonymous_is_sent_to_sign_in(client):
    for name in ("privacy:my_data", "privacy:my_data_json", "privacy:erasure"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_staff_member_s_export_lists_actions_without_other_people(
    client, ksg_staff, rich_wanjiku
):
    _response, data = _download(client, ksg_staff)
    body = json.dumps(data)
    assert "wanjiku@ict.demo.go.ke" not in body
    assert "2019001234" not in body


def test_the_export_takes_a_bounded_number_of_queries(
    client, rich_wanjiku, django_assert_max_num_queries
):
    client.force_login(rich_wanjiku)
    with django_assert_max_num_queries(70):
        client.get(reverse("privacy:my_data_json"))


@pytest.mark.parametrize("name", ["privacy:my_data", "privacy:my_data_json"])
def test_a_stale_sign_in_confirms_the_password_before_seeing_its_data(client, wanjiku, name):
    from tests.reauthentication import prompt_for, reauthenticate, sign_in_stale

    path = reverse(name)
    sign_in_stale(client, wanjiku)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == prompt_for(path)
    assert not AuditEvent.objects.filter(action__startswith="privacy.").exists()
    assert reauthenticate(client, path).status_code == 302
    assert client.get(path).status_code == 200

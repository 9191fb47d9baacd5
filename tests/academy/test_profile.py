"""The profile page: each person sees and edits their own profile, and nobody else's."""

import pytest
from django.conf import settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from academy.models import AuditEvent, OfficerProfile
from tests.academy.support import no_inline_code

pytestmark = pytest.mark.django_db

PROFILE_URL = "/profile/"


@pytest.fixture
def edit_data(state_department_ict, nairobi):
    """The profile form as Wanjiku's page fills it in."""

    def build(**overrides):
        data = {
            "full_name": "Wanjiku Kamau",
            "preferred_language": "en",
            "organisation": state_department_ict.pk,
            "job_group": "K",
            "designation": "ICT Officer I",
            "duty_station": nairobi.pk,
            "gender": "",
            "national_id": "",
        }
        data.update(overrides)
        return data

    return build


def test_profile_url():
    assert reverse("academy:profile") == PROFILE_URL


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(PROFILE_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={PROFILE_URL}"


def test_officer_sees_her_own_profile(client, wanjiku, otieno, django_assert_max_num_queries):
    client.force_login(wanjiku)

    with django_assert_max_num_queries(12):
        response = client.get(PROFILE_URL)

    assert response.status_code == 200
    html = response.content.decode()
    for fact in (
        "Wanjiku Kamau",
        "wanjiku@ict.demo.go.ke",
        "2019001234",
        "State Department for ICT and Digital Economy",
        "ICT Officer I",
        "Nairobi City",
    ):
        assert fact in html
    assert "2017005678" not in html  # Otieno's personal number
    assert "Otieno" not in html
    assert no_inline_code(html)


def test_roles_are_listed(client, hr_ict):
    client.force_login(hr_ict)

    html = client.get(PROFILE_URL).content.decode()

    assert "Training officer — MoICDE" in html


def test_officer_edits_her_profile_and_the_change_is_audited(client, wanjiku, treasury, edit_data):
    client.force_login(wanjiku)

    response = client.post(
        PROFILE_URL,
        edit_data(designation="Senior ICT Officer", organisation=treasury.pk, job_group="L"),
    )

    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    profile = OfficerProfile.objects.get(user=wanjiku)
    assert profile.designation == "Senior ICT Officer"
    assert profile.organisation == treasury
    assert profile.job_group == "L"
    event = AuditEvent.objects.get(action="academy.officer_profile.updated")
    assert event.actor == wanjiku
    assert event.target == profile
    assert event.data == {"fields": ["designation", "job_group", "organisation"]}
    page = client.get(PROFILE_URL)
    assert "Your profile has been saved." in page.content.decode()


def test_audit_names_a_changed_national_id_but_never_its_value(client, wanjiku, edit_data):
    client.force_login(wanjiku)

    client.post(PROFILE_URL, edit_data(national_id="23456789", gender="female"))

    event = AuditEvent.objects.get(action="academy.officer_profile.updated")
    assert event.data == {"fields": ["gender", "national_id"]}
    assert "23456789" not in str(event.data)


def test_saving_without_changes_writes_no_audit_event(client, wanjiku, edit_data):
    client.force_login(wanjiku)

    client.post(PROFILE_URL, edit_data())

    assert not AuditEvent.objects.filter(action="academy.officer_profile.updated").exists()


def test_personal_number_and_other_fields_cannot_be_posted_in(client, wanjiku, edit_data):
    """Mass assignment: only the form's fields are read, whatever else is POSTed."""
    client.force_login(wanjiku)

    client.post(
        PROFILE_URL,
        edit_data(personal_number="HACKED-1", is_staff="on", is_superuser="on", email="x@go.ke"),
    )

    wanjiku.refresh_from_db()
    assert wanjiku.officer_profile.personal_number == "2019001234"
    assert not wanjiku.is_staff
    assert not wanjiku.is_superuser
    assert wanjiku.email == "wanjiku@ict.demo.go.ke"


def test_choosing_kiswahili_sets_the_language_cookie(client, wanjiku, edit_data):
    client.force_login(wanjiku)

    response = client.post(PROFILE_URL, edit_data(preferred_language="sw"))

    wanjiku.refresh_from_db()
    assert wanjiku.preferred_language == "sw"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sw"
    # The next page, and the message on it, come in Kiswahili.
    assert '<html lang="sw">' in client.get(PROFILE_URL).content.decode()


def test_invalid_edit_shows_errors_and_changes_nothing(client, wanjiku, huawei, edit_data):
    client.force_login(wanjiku)

    response = client.post(
        PROFILE_URL,
        edit_data(designation="", organisation=huawei.pk, job_group="Z", national_id="ABC"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    for field in ("designation", "organisation", "job_group", "national_id"):
        assert f'href="#id_{field}"' in html
    assert OfficerProfile.objects.get(user=wanjiku).designation == "ICT Officer I"


def test_edits_are_shown_back_escaped(client, wanjiku, edit_data):
    client.force_login(wanjiku)

    client.post(PROFILE_URL, edit_data(designation="<script>alert(1)</script>"))
    html = client.get(PROFILE_URL).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Accounts without an officer profile -----------------------------------------------------


def test_training_officer_without_profile_can_complete_one(client, hr_ict, ministry_ict, nairobi):
    client.force_login(hr_ict)
    page = client.get(PROFILE_URL).content.decode()
    assert "Complete your officer profile" in page
    assert 'name="personal_number"' in page

    response = client.post(
        PROFILE_URL,
        {
            "full_name": "Akinyi Njeri",
            "preferred_language": "en",
            "personal_number": "2015abc1",
            "organisation": ministry_ict.pk,
            "job_group": "N",
            "designation": "Principal HRM Officer",
            "duty_station": nairobi.pk,
        },
    )

    assert response.status_code == 302
    profile = OfficerProfile.objects.get(user=hr_ict)
    assert profile.personal_number == "2015ABC1"
    assert AuditEvent.objects.filter(
        action="academy.officer_profile.created", actor=hr_ict
    ).exists()


def test_completing_a_profile_with_a_taken_number_is_refused(
    client, hr_ict, wanjiku, ministry_ict, nairobi
):
    client.force_login(hr_ict)

    response = client.post(
        PROFILE_URL,
        {
            "full_name": "Akinyi Njeri",
            "preferred_language": "en",
            "personal_number": "2019001234",
            "organisation": ministry_ict.pk,
            "job_group": "N",
            "designation": "Principal HRM Officer",
            "duty_station": nairobi.pk,
        },
    )

    assert response.status_code == 200
    assert "This personal number is already registered." in response.content.decode()
    assert not OfficerProfile.objects.filter(user=hr_ict).exists()


def test_partner_reviewer_gets_account_fields_only(client, huawei_reviewer):
    client.force_login(huawei_reviewer)
    page = client.get(PROFILE_URL).content.decode()
    assert 'name="personal_number"' not in page
    assert 'name="organisation"' not in page
    assert "Partner reviewer — Huawei Kenya" in page

    response = client.post(
        PROFILE_URL, {"full_name": "Li Wei (Huawei)", "preferred_language": "en"}
    )

    assert response.status_code == 302
    huawei_reviewer.refresh_from_db()
    assert huawei_reviewer.full_name == "Li Wei (Huawei)"
    assert not OfficerProfile.objects.filter(user=huawei_reviewer).exists()
    event = AuditEvent.objects.get(action="academy.user.updated")
    assert event.data == {"fields": ["full_name"]}


# --- Nobody else's profile -------------------------------------------------------------------


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "academy" or entry.urlconf_name == "academy.urls_profile":
                yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_no_profile_url_takes_an_id():
    """There is no /profile/<id>/: a user can only ever reach their own profile."""
    profile_patterns = list(_patterns(get_resolver()))

    assert profile_patterns, "the academy URLs were not found"
    for route, pattern in profile_patterns:
        assert not pattern.pattern.converters, route
        assert "<" not in route and "(?P" not in route, route


@pytest.mark.parametrize("path", ["/profile/1/", "/profile/2019001234/", "/profiles/1/"])
def test_guessing_a_profile_address_finds_nothing(client, wanjiku, otieno, path):
    with pytest.raises(Resolver404):
        resolve(path)
    client.force_login(wanjiku)
    assert client.get(path).status_code == 404


def test_query_string_cannot_select_someone_else(client, wanjiku, otieno):
    client.force_login(wanjiku)

    html = client.get(PROFILE_URL, {"user": otieno.pk, "id": otieno.pk}).content.decode()

    assert "2017005678" not in html
    assert "2019001234" in html

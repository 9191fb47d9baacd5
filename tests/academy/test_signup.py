"""Registration: public-service addresses only, the officer profile with it, all or nothing."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from academy.forms import NewPersonalNumberMixin
from academy.models import AuditEvent, OfficerProfile, Organisation, User
from tests.academy.support import SIGNUP_PASSWORD, confirmation_link, no_inline_code
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

VERIFICATION_SENT = "/accounts/confirm-email/"
PERSONAL_NUMBER_TAKEN = "This personal number is already registered."


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- The happy path --------------------------------------------------------------------------


def test_signup_page_renders_the_officer_profile_fields(client, state_department_ict, nairobi):
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("full_name", "email", "personal_number", "organisation", "job_group"):
        assert f'name="{name}"' in html
    # The organisation select is searchable with JavaScript, and grouped without it.
    assert "data-filterable" in html
    assert 'data-filter-count="%s matches"' in html
    assert '<optgroup label="Ministry of Information, Communications' in html
    # The site's own layout, not allauth's bare one.
    assert 'class="site-header"' in html
    assert no_inline_code(html)


def test_signup_creates_an_unverified_account_with_its_profile(
    client, signup, signup_data, state_department_ict, nairobi, mailoutbox
):
    response = signup(signup_data(personal_number=" 2020/ab-77 ", national_id="12 345 678"))

    assert response.status_code == 302
    assert response["Location"] == VERIFICATION_SENT
    user = User.objects.get(email="achieng@ict.go.ke")
    assert user.full_name == "Achieng Atieno"
    profile = user.officer_profile
    assert profile.personal_number == "2020/AB-77"
    assert profile.organisation == state_department_ict
    assert profile.job_group == "K"
    assert profile.designation == "ICT Officer II"
    assert profile.duty_station == nairobi
    assert profile.national_id == "12345678"
    assert not EmailAddress.objects.get(user=user).verified
    assert not _signed_in(client)
    assert [m.to for m in mailoutbox] == [["achieng@ict.go.ke"]]
    event = AuditEvent.objects.get(action="academy.officer_profile.created")
    assert event.actor == user
    assert event.target == profile


def test_signup_in_kiswahili_prefers_kiswahili(client, signup_data):
    client.cookies["django_language"] = "sw"

    client.post(reverse("account_signup"), signup_data())

    assert User.objects.get(email="achieng@ict.go.ke").preferred_language == "sw"


def test_sign_in_only_after_following_the_confirmation_link(
    client, signup, signup_data, mailoutbox
):
    signup(signup_data())
    credentials = {"login": "achieng@ict.go.ke", "password": SIGNUP_PASSWORD}

    before = client.post(reverse("account_login"), credentials)
    assert before.status_code == 302
    assert before["Location"] == VERIFICATION_SENT
    assert not _signed_in(client)

    link = confirmation_link(mailoutbox[0])
    assert client.get(link).status_code == 200
    client.post(link)
    assert EmailAddress.objects.get(email="achieng@ict.go.ke").verified

    after = client.post(reverse("account_login"), credentials)
    assert after.status_code == 302
    assert _signed_in(client)


# --- E-mail domains --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "someone@gmail.com",
        "someone@notgo.ke",
        "someone@go.ke.evil.com",
        "someone@ksg.ac.ke.evil.com",
        "someone@fakeksg.ac.ke",
        "someone@go.ken",
        "someone@ac.ke",
    ],
)
def test_signup_refuses_addresses_outside_the_public_service(signup, signup_data, email):
    response = signup(signup_data(email=email))

    assert response.status_code == 200
    html = response.content.decode()
    assert "registration is open to addresses at go.ke, ksg.ac.ke" in html
    assert 'href="#id_email"' in html  # the error summary links to the field
    assert 'aria-invalid="true"' in html
    assert not User.objects.filter(email=email).exists()
    assert not OfficerProfile.objects.exists()


@pytest.mark.parametrize(
    "email", ["someone@go.ke", "someone@ict.go.ke", "someone@ksg.ac.ke", "Someone@Treasury.GO.KE"]
)
def test_signup_accepts_public_service_domains_and_subdomains(signup, signup_data, email):
    response = signup(signup_data(email=email))

    assert response.status_code == 302
    assert User.objects.filter(email=email.lower()).exists()


def test_allowed_domains_are_read_when_signing_up(signup, signup_data, settings):
    settings.ACCOUNT_ALLOWED_SIGNUP_DOMAINS = ["example.org"]

    refused = signup(signup_data(email="someone@ict.go.ke"))
    accepted = signup(signup_data(email="someone@example.org"))

    assert refused.status_code == 200
    assert "example.org" in refused.content.decode()
    assert accepted.status_code == 302


# --- Duplicates ------------------------------------------------------------------------------


def test_taken_personal_number_is_refused_and_nothing_is_created(signup, signup_data, wanjiku):
    # Same number as Wanjiku's, typed with spaces and in lower case where it matters.
    response = signup(signup_data(personal_number=" 2019001234 "))

    assert response.status_code == 200
    assert PERSONAL_NUMBER_TAKEN in response.content.decode()
    assert not User.objects.filter(email="achieng@ict.go.ke").exists()


def test_personal_number_lost_in_a_race_leaves_no_account(
    signup, signup_data, wanjiku, monkeypatch, mailoutbox
):
    """Two sign-ups check the same free number; the second to save must not leave a user."""
    # This sign-up's check runs "before" the other one committed: it sees the number as free.
    monkeypatch.setattr(
        NewPersonalNumberMixin,
        "clean_personal_number",
        lambda form: form.cleaned_data["personal_number"],
    )

    response = signup(signup_data(personal_number="2019001234"))

    assert response.status_code == 200
    html = response.content.decode()
    assert PERSONAL_NUMBER_TAKEN in html
    assert 'href="#id_personal_number"' in html
    assert not User.objects.filter(email="achieng@ict.go.ke").exists()
    assert not EmailAddress.objects.filter(email="achieng@ict.go.ke").exists()
    assert not AuditEvent.objects.filter(action="academy.officer_profile.created").exists()
    assert mailoutbox == []


def test_email_lost_in_a_race_answers_like_any_registered_address(
    signup, signup_data, wanjiku, monkeypatch
):
    from allauth.account.forms import BaseSignupForm

    # The other sign-up committed the address after this one checked it.
    monkeypatch.setattr(BaseSignupForm, "validate_unique_email", lambda form, value: value)

    response = signup(signup_data(email="wanjiku@ict.demo.go.ke"))

    assert response.status_code == 302
    assert response["Location"] == VERIFICATION_SENT
    assert User.objects.filter(email="wanjiku@ict.demo.go.ke").count() == 1
    assert not OfficerProfile.objects.filter(personal_number="2020123456").exists()


def test_registered_email_gets_the_same_answer_as_a_new_one(
    client, signup, signup_data, wanjiku, mailoutbox
):
    """Enumeration prevention: the response doesn't tell whether the address has an account."""
    existing = signup(signup_data(email="wanjiku@ict.demo.go.ke", personal_number="2020000001"))
    new = signup(signup_data(email="new.officer@ict.go.ke", personal_number="2020000002"))

    assert existing.status_code == new.status_code == 302
    assert existing["Location"] == new["Location"] == VERIFICATION_SENT
    page = client.get(existing["Location"])
    assert "Check your e-mail" in page.content.decode()
    # Wanjiku keeps one account, and is told by e-mail that someone tried to register.
    assert User.objects.filter(email="wanjiku@ict.demo.go.ke").count() == 1
    assert not OfficerProfile.objects.filter(personal_number="2020000001").exists()
    assert {m.to[0] for m in mailoutbox} == {"wanjiku@ict.demo.go.ke", "new.officer@ict.go.ke"}


# --- Bad input -------------------------------------------------------------------------------


def test_missing_fields_are_each_named(signup):
    response = signup({})

    assert response.status_code == 200
    html = response.content.decode()
    for message in (
        "Enter your full name.",
        "Enter your personal number, as on your payslip.",
        "Choose the organisation you work for.",
        "Choose your job group.",
        "Enter your designation (job title).",
        "Choose the county where you work.",
    ):
        assert message in html
    for field in ("full_name", "email", "password1", "personal_number", "organisation"):
        assert f'href="#id_{field}"' in html
    assert not User.objects.exists()


@pytest.mark.parametrize("number", ["12", "2019#001", "2019 001234", "x" * 21])
def test_malformed_personal_number_is_refused(signup, signup_data, number):
    response = signup(signup_data(personal_number=number))

    assert response.status_code == 200
    assert not User.objects.exists()
    assert 'id="id_personal_number_error"' in response.content.decode()


@pytest.mark.parametrize("job_group", ["I", "O", "Z", "k1", "AA"])
def test_job_group_outside_the_grading_is_refused(signup, signup_data, job_group):
    response = signup(signup_data(job_group=job_group))

    assert response.status_code == 200
    assert "Choose a job group from A to T from the list." in response.content.decode()
    assert not User.objects.exists()


def test_unknown_partner_and_inactive_organisations_are_refused(
    signup, signup_data, huawei, ministry_ict
):
    closed = OrganisationFactory(name="Ministry of Abolished Things", is_active=False)
    under_closed = OrganisationFactory(parent=closed, name="State Department for Nothing")
    for organisation in (999_999, "not-a-number", huawei.pk, closed.pk, under_closed.pk):
        response = signup(signup_data(organisation=organisation))

        assert response.status_code == 200
        assert "Choose the organisation you work for from the list." in response.content.decode()
    assert not User.objects.exists()


def test_input_is_shown_back_escaped(signup, signup_data):
    script = "<script>alert('x')</script>"
    response = signup(
        signup_data(full_name=script, designation='"><img src=x onerror=alert(1)>', job_group="")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert script not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_organisation_list_excludes_partners_and_groups_by_kind(
    client, state_department_ict, treasury, huawei, ksg, county_government
):
    agency = OrganisationFactory(name="ICT Authority", kind=Organisation.Kind.AGENCY)

    html = client.get(reverse("account_signup")).content.decode()

    assert huawei.name not in html
    assert '<optgroup label="County governments">' in html
    assert '<optgroup label="Agencies">' in html
    assert agency.name in html
    # The state department sits, indented, in its ministry's group.
    assert "&nbsp;&nbsp;&nbsp;State Department for ICT and Digital Economy" in html or (
        "\u00a0\u00a0\u00a0State Department for ICT and Digital Economy" in html
    )

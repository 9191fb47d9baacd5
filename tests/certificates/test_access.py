"""Who gets a certificate: the PDF download (officer, their training officers, KSG staff; anyone
else a 404), "My learning", and the officer's API list. Outsiders are denied."""

import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from certificates.models import Certificate
from tests.certificates.conftest import completed_officer
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reauthentication import prompt_for, reauthenticate, sign_in_stale

pytestmark = pytest.mark.django_db
Status = Certificate.Status


def pdf_url(certificate) -> str:
    return reverse("certificates:pdf", kwargs={"serial": certificate.serial})


def download(client, user, certificate):
    client.force_login(user)
    return client.get(pdf_url(certificate))


# --- The PDF ---------------------------------------------------------------------------------


def test_the_officer_downloads_the_pdf_as_issued(client, certificate, wanjiku):
    response = download(client, wanjiku, certificate)

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (f'attachment; filename="{certificate.serial}.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", ["hr_ict", "ksg_staff"])
def test_the_training_officer_above_and_ksg_staff_download_it(
    request, client, certificate, persona
):
    # hr_ict is training officer of the ministry; Wanjiku works in its state department.
    response = download(client, request.getfixturevalue(persona), certificate)
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["otieno", "hr_treasury", "trainer", "huawei_reviewer"])
def test_outsiders_are_told_it_does_not_exist(request, client, certificate, persona):
    response = download(client, request.getfixturevalue(persona), certificate)
    assert response.status_code == 404


def test_a_training_officer_of_a_sub_unit_does_not_see_the_ministry_above(
    client, ended, ministry_ict, signatories
):
    from certificates import services

    officer_at_ministry = completed_officer(ended, 1, organisation=ministry_ict)
    certificate = services.certificate_issue(enrollment=officer_at_ministry)
    directorate = OrganisationFactory(parent=ministry_ict, name="Directorate of E-Government")
    hr_directorate = UserFactory(email="hr@egov.demo.go.ke")
    MembershipFactory(user=hr_directorate, role="training_officer", organisation=directorate)

    assert download(client, hr_directorate, certificate).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, certificate):
    response = client.get(pdf_url(certificate))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("status", [Status.REVOKED, Status.SUPERSEDED])
def test_a_certificate_no_longer_valid_goes_to_staff_only(
    client, certificate, wanjiku, hr_ict, ksg_staff, status
):
    Certificate.objects.filter(pk=certificate.pk).update(
        status=status, revoked_at=timezone.now() if status == Status.REVOKED else None
    )

    assert download(client, wanjiku, certificate).status_code == 404
    assert download(client, hr_ict, certificate).status_code == 404
    assert download(client, ksg_staff, certificate).status_code == 200


def test_a_certificate_still_being_rendered_is_not_found_yet(client, completed, wanjiku):
    from certificates import services

    row = services._issue_row(enrollment_id=completed.pk, by=None)
    assert download(client, wanjiku, row).status_code == 404


@pytest.mark.parametrize("path", ["/certificates/1/pdf/", "/certificates/KSG-26-1/pdf/"])
def test_only_serials_are_addresses(client, wanjiku, certificate, path):
    client.force_login(wanjiku)
    assert client.get(path).status_code == 404


def test_the_download_only_answers_reads(client, certificate, wanjiku):
    client.force_login(wanjiku)
    assert client.post(pdf_url(certificate)).status_code == 405


# --- My learning ------------------------------------------------------------------------------


def test_my_learning_links_each_completed_course_to_its_certificate(client, certificate, wanjiku):
    client.force_login(wanjiku)
    response = client.get(reverse("enrollments:my_learning"))

    assert response.status_code == 200
    page = response.content.decode()
    assert pdf_url(certificate) in page
    assert f"Download certificate {certificate.serial} (PDF)" in page


def test_my_learning_says_a_certificate_is_being_prepared(client, completed, wanjiku):
    client.force_login(wanjiku)
    page = client.get(reverse("enrollments:my_learning")).content.decode()
    assert "Your certificate is being prepared" in page


def test_my_learning_reads_the_certificates_in_one_query(client, ended, wanjiku, signatories):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certificates import services
    from tests.courses.conftest import cohort
    from tests.factories import CourseFactory, EnrollmentFactory

    for n in range(3):
        past = cohort(CourseFactory(), starts_in=-30 - 7 * n, code=f"PAST-{n}")
        enrollment = EnrollmentFactory(officer=wanjiku, cohort=past, state="completed")
        services.certificate_issue(enrollment=enrollment)
    client.force_login(wanjiku)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("enrollments:my_learning")).content.decode()

    assert page.count("Download certificate KSG-") == 3
    reads = [q for q in queries.captured_queries if "certificates_certificate" in q["sql"]]
    assert len(reads) == 1


# --- API --------------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_the_api_lists_the_officers_certificates(api, certificate, wanjiku, settings):
    api.force_authenticate(wanjiku)
    response = api.get("/api/v1/me/certificates/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row == {
        "serial": certificate.serial,
        "course": "DPD-101",
        "course_title": "Introduction to Digital Government in Kenya",
        "cohort": "DPD-101-LK",
        "issued_at": row["issued_at"],
        "status": "valid",
        "verification_url": (f"{settings.PORTAL_URL}/verify/{certificate.verification_code}/"),
        "pdf_url": f"http://testserver{pdf_url(certificate)}",
        "open_badge_url": f"http://testserver/certificates/{certificate.serial}/open-badge.json",
        "open_badge_jwt_url": f"http://testserver/certificates/{certificate.serial}/open-badge.jwt",
    }
    assert row["issued_at"].startswith(timezone.localdate().isoformat()[:4])


def test_the_api_shows_no_pdf_link_for_a_revoked_certificate(api, certificate, wanjiku):
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Status.REVOKED, revoked_at=timezone.now()
    )
    api.force_authenticate(wanjiku)

    [row] = api.get("/api/v1/me/certificates/").json()["results"]

    assert (row["status"], row["pdf_url"]) == ("revoked", None)
    assert (row["open_badge_url"], row["open_badge_jwt_url"]) == (None, None)


@pytest.mark.parametrize("persona", ["otieno", "hr_ict", "ksg_staff"])
def test_the_api_lists_only_ones_own_certificates(request, api, certificate, persona):
    api.force_authenticate(request.getfixturevalue(persona))
    response = api.get("/api/v1/me/certificates/")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_api_needs_a_signed_in_user(api, certificate):
    response = api.get("/api/v1/me/certificates/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_the_api_schema_describes_the_list(api, db):
    schema = api.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/me/certificates/"]["get"]
    assert {"200", "401", "403"} <= set(operation["responses"])


# --- Re-authentication before someone else's certificate (academy.reauthentication) -----------


def test_the_officer_downloads_their_own_without_reauthenticating(client, certificate, wanjiku):
    sign_in_stale(client, wanjiku)

    assert client.get(pdf_url(certificate)).status_code == 200


@pytest.mark.parametrize("name", ["certificates:pdf", "certificates:badge_json"])
@pytest.mark.parametrize("persona", ["hr_ict", "ksg_staff"])
def test_someone_elses_certificate_asks_a_stale_sign_in_to_reauthenticate(
    request, client, certificate, persona, name
):
    path = reverse(name, kwargs={"serial": certificate.serial})
    sign_in_stale(client, request.getfixturevalue(persona))

    assert client.get(path)["Location"] == prompt_for(path)
    assert reauthenticate(client, path)["Location"] == path
    assert client.get(path).status_code == 200


def test_an_outsider_still_gets_404_not_a_prompt(client, certificate, otieno):
    sign_in_stale(client, otieno)

    assert client.get(pdf_url(certificate)).status_code == 404

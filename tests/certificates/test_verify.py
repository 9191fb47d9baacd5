"""The public verification of a certificate: the page and the API by code, the check of a PDF
file against the stored hash, "not found" for unknown and malformed codes, only what the
certificate prints, and the per-address rate limit."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from certificates import services
from certificates.models import Certificate
from certificates.verification import MAX_UPLOAD_BYTES, verification_url

pytestmark = pytest.mark.django_db
Status = Certificate.Status

# What the officer's account holds but no certificate prints.
PERSONAL = ["wanjiku@ict.demo.go.ke", "2019001234", "ICT Officer I", "12345678"]


def page_url(certificate) -> str:
    return reverse("certificates:verify", kwargs={"code": certificate.verification_code})


def api_url(code: str) -> str:
    return reverse("api_certificate_verify", kwargs={"code": code})


def pdf_bytes(certificate) -> bytes:
    with certificate.pdf.open("rb") as file:
        return file.read()


@pytest.fixture
def with_national_id(wanjiku):
    profile = wanjiku.officer_profile
    profile.national_id = "12345678"
    profile.save()
    return wanjiku


# --- The page --------------------------------------------------------------------------------


def test_the_printed_address_is_the_verification_page(certificate):
    url = verification_url(certificate)
    assert url == f"{settings.PORTAL_URL}/verify/{certificate.verification_code}/"
    assert url.endswith(page_url(certificate))


def test_anyone_sees_what_a_valid_certificate_certifies(client, certificate):
    response = client.get(page_url(certificate))

    assert response.status_code == 200
    html = response.content.decode()
    for fact in [
        "Valid certificate",
        "Wanjiku Kamau",
        "Introduction to Digital Government in Kenya",
        "DPD-101",
        "Foundation",
        "18",
        "Digital Planning and Design",
        "Lower Kabete",
        "DPD-101-LK",
        certificate.serial,
        "Kenya School of Government",
        "Prof. Amina Wekesa",
        "Dean, KSG Digital Academy",
    ]:
        assert fact in html, fact
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-cache" in response["Cache-Control"]


def test_the_page_and_the_api_leak_no_personal_data(client, certificate, with_national_id):
    page = client.get(page_url(certificate)).content.decode()
    api = APIClient().get(api_url(certificate.verification_code)).content.decode()
    for value in PERSONAL:
        assert value not in page
        assert value not in api


def test_a_revoked_certificate_says_when_and_why(client, certificate, ksg_staff):
    services.certificate_revoke(certificate=certificate, by=ksg_staff, reason="Issued in error")

    html = client.get(page_url(certificate)).content.decode()

    assert "Revoked certificate" in html
    assert "Issued in error" in html
    assert "Valid certificate" not in html


def test_a_superseded_certificate_points_to_the_new_one(client, certificate, ksg_staff):
    new = services.certificate_reissue(certificate=certificate, by=ksg_staff, reason="Name")

    html = client.get(page_url(certificate)).content.decode()

    assert "Replaced by a newer certificate" in html
    assert new.serial in html
    assert page_url(new) in html
    assert "Valid certificate" in client.get(page_url(new)).content.decode()


@pytest.mark.parametrize(
    "code",
    ["x" * 30, "short", "a" * 200, "not a code", "%00", "..", "KSG-2026-000001"],
)
def test_unknown_and_malformed_codes_are_a_plain_not_found(client, certificate, code):
    response = client.get(f"/verify/{code}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Certificate not found" in html
    assert "Wanjiku" not in html
    assert certificate.course_title not in html


def test_a_malformed_code_costs_no_query(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/verify/not-a-code!/")
    assert response.status_code == 404
    assert not [q for q in queries if "certificates_certificate" in q["sql"]]


def test_the_general_page_takes_a_code_or_a_pasted_address(client, certificate):
    assert client.get(reverse("certificates:verify_start")).status_code == 200

    response = client.get(
        reverse("certificates:verify_start"), {"code": verification_url(certificate)}
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(certificate)


# --- The API ---------------------------------------------------------------------------------


def test_the_api_verifies_anonymously(certificate):
    response = APIClient().get(api_url(certificate.verification_code))

    assert response.status_code == 200
    data = response.json()
    assert data["serial"] == certificate.serial
    assert data["status"] == "valid"
    assert data["officer_name"] == "Wanjiku Kamau"
    assert data["course_code"] == "DPD-101"
    assert data["cpd_hours"] == 18
    assert data["level"] == "Foundation"
    assert data["skill_area"] == "Digital Planning and Design"
    assert data["cohort_starts_on"] == certificate.cohort_starts_on.isoformat()
    assert data["issued_by"]["name"] == "Kenya School of Government"
    assert [s["name"] for s in data["issued_by"]["signatories"]] == [
        "Prof. Amina Wekesa",
        "Dr. Ann Wambũi Ng'ang'a",
    ]
    assert data["superseded_by"] is None
    assert data["verification_url"] == verification_url(certificate)


def test_the_api_tells_revoked_and_superseded(certificate, ksg_staff):
    new = services.certificate_reissue(certificate=certificate, by=ksg_staff, reason="Typo")
    services.certificate_revoke(certificate=new, by=ksg_staff, reason="Result overturned")
    client = APIClient()

    old = client.get(api_url(certificate.verification_code)).json()
    assert old["status"] == "superseded"
    assert old["superseded_by"] == {"serial": new.serial, "verification_url": verification_url(new)}
    current = client.get(api_url(new.verification_code)).json()
    assert current["status"] == "revoked"
    assert current["revoked_reason"] == "Result overturned"
    assert current["revoked_at"]


@pytest.mark.parametrize("code", ["x" * 30, "bad!code"])
def test_the_api_answers_unknown_codes_with_a_json_404(db, code):
    response = APIClient().get(api_url(code))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


# --- Checking a PDF file ---------------------------------------------------------------------


def upload(client, url, data: bytes, name="certificate.pdf", content_type="application/pdf"):
    return client.post(url, {"pdf": SimpleUploadedFile(name, data, content_type=content_type)})


def test_the_issued_pdf_matches(client, certificate):
    response = upload(client, page_url(certificate), pdf_bytes(certificate))

    assert response.status_code == 200
    assert "The file matches." in response.content.decode()


def test_an_altered_pdf_is_not_the_one_issued(client, certificate):
    data = bytearray(pdf_bytes(certificate))
    data[len(data) // 2] ^= 0x01  # one bit of one byte
    assert hashlib.sha256(data).hexdigest() != certificate.pdf_sha256

    response = upload(client, page_url(certificate), bytes(data))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This file is not the one issued." in html
    assert "The file matches." not in html


def test_another_certificates_pdf_is_not_this_one(client, certificate, ksg_staff):
    new = services.certificate_reissue(certificate=certificate, by=ksg_staff, reason="Name")

    response = upload(client, page_url(new), pdf_bytes(certificate))

    assert "This file is not the one issued." in response.content.decode()


def test_the_general_page_finds_the_certificate_by_its_file(client, certificate):
    response = upload(client, reverse("certificates:verify_start"), pdf_bytes(certificate))

    html = response.content.decode()
    assert "The file matches." in html
    assert certificate.serial in html


def test_the_general_page_does_not_know_an_altered_file(client, certificate):
    data = pdf_bytes(certificate).replace(b"Wanjiku", b"Wanjikv", 1) + b"\n"

    response = upload(client, reverse("certificates:verify_start"), data)

    html = response.content.decode()
    assert "This file is not a certificate the portal issued." in html
    assert certificate.serial not in html


def test_only_a_pdf_is_accepted(client, certificate):
    response = upload(client, page_url(certificate), b"GIF89a not a pdf", name="x.pdf")

    assert response.status_code == 400
    assert "This file is not a PDF." in response.content.decode()


def test_a_file_over_the_limit_is_refused_without_being_read(client, certificate):
    big = b"%PDF-1.7\n" + b"0" * (MAX_UPLOAD_BYTES + 100 * 1024)

    response = upload(client, page_url(certificate), big)

    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


def test_a_file_just_over_the_limit_is_refused(client, certificate):
    big = b"%PDF-1.7\n" + b"0" * (MAX_UPLOAD_BYTES + 1)

    response = upload(client, reverse("certificates:verify_start"), big)

    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


def test_nothing_uploaded_is_stored(client, certificate, settings):
    before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))

    upload(client, page_url(certificate), pdf_bytes(certificate))
    upload(client, reverse("certificates:verify_start"), b"%PDF-1.7 something else")

    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == before


def test_an_empty_upload_says_so(client, certificate):
    response = client.post(page_url(certificate), {})
    assert response.status_code == 400


# --- Rate limit ------------------------------------------------------------------------------


def test_the_page_is_rate_limited_per_address(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE = (3, 60)
    for _ in range(3):
        assert client.get(page_url(certificate)).status_code == 200

    response = client.get(page_url(certificate))

    assert response.status_code == 429
    assert "Too many verifications" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    # Another address is not held back.
    assert client.get(page_url(certificate), REMOTE_ADDR="10.0.0.9").status_code == 200


def test_guesses_count_and_uploads_too(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE = (2, 60)
    client.get("/verify/guess-one-guess-one-guess/")
    upload(client, page_url(certificate), b"%PDF-1.7")

    assert client.get(page_url(certificate)).status_code == 429
    assert upload(client, page_url(certificate), b"%PDF-1.7").status_code == 429


def test_the_api_is_rate_limited_with_a_json_429(certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE = (1, 60)
    client = APIClient()
    assert client.get(api_url(certificate.verification_code)).status_code == 200

    response = client.get(api_url(certificate.verification_code))

    assert response.status_code == 429
    assert "Too many verifications" in response.json()["detail"]
    assert "Retry-After" in response


def test_a_caller_without_an_address_is_verified_not_refused(client, certificate):
    """A request whose client address is unknown (gunicorn on a Unix socket sets no
    REMOTE_ADDR) is counted under "unknown", not answered with a 403 (schemathesis found it)."""
    code = certificate.verification_code
    response = APIClient().get(api_url(code), REMOTE_ADDR="")
    assert response.status_code == 200
    assert response.json()["serial"] == certificate.serial
    assert client.get(page_url(certificate), REMOTE_ADDR="").status_code == 200

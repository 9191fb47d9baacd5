"""Request limits (academy/settings.py, "Request limits"): a body, a number of fields or of files
over the limit gets a clear 400 that says which, as a page or as JSON under /api/, and nothing
is saved; the largest legitimate upload, a 10 MiB partner document, still goes through."""

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from academy.models import AuditEvent
from partners.models import Document
from reports.models import ReportRun
from tests.partners.conftest import _media, huawei_partner, mou
from tests.reports.conftest import world

__all__ = ["_media", "huawei_partner", "mou", "world"]

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
FORM = "application/x-www-form-urlencoded"


def test_the_limits_are_set_for_the_largest_legitimate_requests():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 5000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 10
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    # A partner document, the largest upload, is not counted in the body limit but is spooled
    # to disk past FILE_UPLOAD_MAX_MEMORY_SIZE.
    assert settings.PARTNER_UPLOAD_MAX_BYTES > settings.FILE_UPLOAD_MAX_MEMORY_SIZE


# --- Pages ---------------------------------------------------------------------------------


def test_a_page_form_over_the_body_limit_gets_a_page_saying_so(client, wanjiku):
    client.force_login(wanjiku)
    body = urlencode({"full_name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})

    response = client.post(reverse("academy:profile"), body, content_type=FORM)

    assert response.status_code == 400
    page = response.content.decode()
    assert "The request was refused" in page
    assert "The form sent more than 2.5\xa0MB of text." in page
    assert "Nothing was saved." in page
    wanjiku.refresh_from_db()
    assert wanjiku.full_name == "Wanjiku Kamau"


def test_a_page_form_with_too_many_fields_gets_a_page_saying_so(client, wanjiku):
    client.force_login(wanjiku)
    fields = [("full_name", "Mallory")] + [
        (f"f{n}", "1") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    ]

    response = client.post(reverse("academy:profile"), urlencode(fields), content_type=FORM)

    assert response.status_code == 400
    assert "The form sent more than 5,000 fields." in response.content.decode()
    wanjiku.refresh_from_db()
    assert wanjiku.full_name == "Wanjiku Kamau"


def test_an_upload_of_too_many_files_gets_a_page_saying_so(client, mou, ksg_staff, _media):
    client.force_login(ksg_staff)
    files = [
        SimpleUploadedFile(f"minutes-{n}.pdf", PDF)
        for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    ]
    events = AuditEvent.objects.count()

    response = client.post(
        reverse("partners:agreement_upload", args=[mou.pk]), {"kind": "evidence", "file": files}
    )

    assert response.status_code == 400
    assert "The form sent more than 10 files." in response.content.decode()
    assert not Document.objects.exists()
    assert AuditEvent.objects.count() == events


def test_an_oversized_partner_document_gets_the_forms_own_message(client, mou, ksg_staff, _media):
    client.force_login(ksg_staff)
    big = SimpleUploadedFile("minutes.pdf", PDF + b"\0" * settings.PARTNER_UPLOAD_MAX_BYTES)

    response = client.post(
        reverse("partners:agreement_upload", args=[mou.pk]), {"kind": "evidence", "file": big}
    )

    assert response.status_code == 400
    assert "is larger than 10.0\xa0MB" in response.content.decode()
    assert not Document.objects.exists()


def test_a_partner_document_of_exactly_the_largest_size_is_taken(client, mou, ksg_staff, _media):
    client.force_login(ksg_staff)
    content = PDF + b"\0" * (settings.PARTNER_UPLOAD_MAX_BYTES - len(PDF))
    assert len(content) == 10 * 1024 * 1024

    response = client.post(
        reverse("partners:agreement_upload", args=[mou.pk]),
        {"kind": "evidence", "file": SimpleUploadedFile("minutes.pdf", content)},
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert document.size == len(content)


# --- The API -------------------------------------------------------------------------------


@pytest.fixture
def api(hr_ict):
    client = APIClient()
    client.force_authenticate(hr_ict)
    return client


def report_url():
    return reverse("api_report_request")


def test_a_json_body_over_the_limit_is_a_json_400(api, world):
    body = json.dumps(
        {"kind": "completions", "format": "csv", "pad": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    )

    response = api.post(report_url(), body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The form sent more than 2.5\xa0MB of text. Shorten it, or send files as "
        "attachments."
    }
    assert not ReportRun.objects.exists()


def test_a_form_body_over_the_limit_is_a_json_400(api, world):
    body = urlencode({"kind": "completions", "format": "csv", "pad": "x" * 3_000_000})

    response = api.post(report_url(), body, content_type=FORM)

    assert response.status_code == 400
    assert "2.5\xa0MB" in response.json()["detail"]
    assert not ReportRun.objects.exists()


def test_too_many_fields_to_the_api_is_a_json_400(api, world):
    fields = [("kind", "completions"), ("format", "csv")] + [
        (f"f{n}", "1") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    ]

    response = api.post(report_url(), urlencode(fields), content_type=FORM)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The form sent more than 5,000 fields. Send it in smaller parts."
    }
    assert not ReportRun.objects.exists()


def test_too_many_files_to_the_api_is_a_json_400(api, world):
    files = [
        SimpleUploadedFile(f"f{n}.csv", b"x")
        for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    ]

    response = api.post(
        report_url(), {"kind": "completions", "format": "csv", "file": files}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The form sent more than 10 files. Send fewer at a time."}
    assert not ReportRun.objects.exists()

"""Erasure (DPA 2019 s.40): an officer asks, KSG staff decide; on approval the person is
pseudonymised in one transaction, their certificates stay verifiable without their name, and
reports count the same; a declined request changes nothing; outsiders see nothing."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from academy.models import AuditEvent, OfficerProfile, User
from certificates import selectors as certificate_selectors
from certificates.models import Certificate
from enrollments.models import Enrollment
from privacy import services
from privacy.models import ErasureRequest
from reports.dashboard import dashboard_for
from reports.filters import ReportFilters
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db
Status = ErasureRequest.Status


def _ask(client, user, reason="I have left the public service."):
    client.force_login(user)
    return client.post(reverse("privacy:erasure"), {"reason": reason})


def _decide(client, staff, request, decision, reason="Checked with the officer by phone."):
    client.force_login(staff)
    return client.post(
        reverse("privacy:staff_decide", args=[request.pk]),
        {"decision": decision, "reason": reason},
    )


def _snapshot(user):
    user = User.objects.get(pk=user.pk)
    profile = OfficerProfile.objects.get(user=user)
    return {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": user.is_active,
        "usable_password": user.has_usable_password(),
        "personal_number": profile.personal_number,
        "national_id": profile.national_id,
        "gender": profile.gender,
        "designation": profile.designation,
        "organisation": profile.organisation_id,
        "job_group": profile.job_group,
        "email_addresses": EmailAddress.objects.filter(user=user).count(),
        "authenticators": Authenticator.objects.filter(user=user).count(),
        "tokens": Token.objects.filter(user=user).count(),
        "enrollments": Enrollment.objects.filter(officer=user).count(),
        "reasons": list(Enrollment.objects.filter(officer=user).values_list("reason", flat=True)),
    }


def _figures():
    today = timezone.localdate()
    filters = ReportFilters(
        organisation=None,
        date_from=today - datetime.timedelta(days=365),
        date_to=today + datetime.timedelta(days=1),
    )
    board = dashboard_for(filters)
    return (board.totals, board.by_unit, board.by_skill_area, board.by_job_group, board.by_county)


@pytest.fixture
def asked(client, rich_wanjiku, completed):
    completed.reason = "Result overridden: was on sick leave for two days."
    completed.result_recorded_at = timezone.now()
    completed.save(update_fields=["reason", "result_recorded_at"])
    response = _ask(client, rich_wanjiku)
    assert response.status_code == 302
    client.logout()
    return ErasureRequest.objects.get(user=rich_wanjiku)


def test_an_officer_asks_and_the_request_is_recorded(client, rich_wanjiku):
    response = _ask(client, rich_wanjiku)
    assert response.status_code == 302
    request = ErasureRequest.objects.get(user=rich_wanjiku)
    assert request.status == Status.PENDING
    assert request.reason == "I have left the public service."
    event = AuditEvent.objects.get(action="privacy.erasure.requested")
    assert event.actor_id == rich_wanjiku.pk and event.data == {}
    page = client.get(reverse("privacy:erasure")).content.decode()
    assert "Waiting for a decision" in page


def test_a_second_pending_request_is_refused(client, rich_wanjiku, asked):
    response = _ask(client, rich_wanjiku, reason="Again")
    assert response.status_code == 200
    assert ErasureRequest.objects.filter(user=rich_wanjiku).count() == 1


def test_a_reason_is_required(client, wanjiku):
    response = _ask(client, wanjiku, reason="  ")
    assert response.status_code == 200
    assert not ErasureRequest.objects.exists()


def test_approval_pseudonymises_every_personal_field(client, ksg_staff, rich_wanjiku, asked):
    before = _snapshot(rich_wanjiku)
    assert before["email"] == "wanjiku@ict.demo.go.ke"
    response = _decide(client, ksg_staff, asked, "approve")
    assert response.status_code == 302
    after = _snapshot(rich_wanjiku)
    assert after == {
        "email": f"erased-{rich_wanjiku.pk}@erased.invalid",
        "full_name": "",
        "is_active": False,
        "usable_password": False,
        "personal_number": f"ERASED-{rich_wanjiku.pk}",
        "national_id": "",
        "gender": "",
        "designation": "",
        # Kept, so that reports count the completion where it belongs.
        "organisation": before["organisation"],
        "job_group": before["job_group"],
        "email_addresses": 0,
        "authenticators": 0,
        "tokens": 0,
        "enrollments": before["enrollments"],
        "reasons": [""],
    }
    asked.refresh_from_db()
    assert asked.status == Status.APPROVED
    assert asked.decided_by == ksg_staff
    assert asked.decision_reason == "Checked with the officer by phone."
    event = AuditEvent.objects.get(action="privacy.erasure.approved")
    assert event.actor_id == ksg_staff.pk
    assert event.data["reason"] == "Checked with the officer by phone."
    assert event.data["erased"]["certificates"] == 1
    # The audit data is counts and the staff reason: nothing that names the person.
    assert "wanjiku" not in str(event.data).lower()


def test_the_certificate_still_verifies_without_the_name(
    client, ksg_staff, rich_wanjiku, asked, certificate
):
    pdf_name = certificate.pdf.name
    assert default_storage.exists(pdf_name)
    _decide_now(client, ksg_staff, asked)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    assert certificate.officer_name == "" and certificate.pdf.name == ""
    assert certificate.badge_jwt == "" and "recipient" not in certificate.badge_facts
    assert not default_storage.exists(pdf_name)

    client.logout()
    page = client.get(reverse("certificates:verify", args=[certificate.verification_code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Valid certificate" in html
    assert certificate.serial in html
    assert "Introduction to Digital Government in Kenya" in html
    assert "Name withheld (erased at the holder's request)" in html
    assert "Wanjiku" not in html


def _decide_now(client, staff, request):
    # Files are deleted when the erasure commits: run the on-commit callbacks.
    from django.db import connection

    response = _decide(client, staff, request, "approve")
    assert response.status_code == 302
    for _, callback, _robust in list(connection.run_on_commit):
        callback()
    return response


def test_the_pdf_and_credential_are_not_offered_nor_printed_again(
    client, ksg_staff, rich_wanjiku, asked, certificate
):
    _decide(client, ksg_staff, asked, "approve")
    client.force_login(ksg_staff)
    for name in ("certificates:pdf", "certificates:badge_json", "certificates:badge_jwt"):
        assert client.get(reverse(name, args=[certificate.serial])).status_code == 404
    # The hourly sweep must not print a new PDF (with or without a name).
    assert certificate.enrollment_id not in certificate_selectors.enrollments_awaiting_certificate()
    from certificates import services as certificate_services

    again = certificate_services.certificate_issue(enrollment=certificate.enrollment_id)
    assert again.pk == certificate.pk and not again.pdf


def test_the_erased_person_cannot_sign_in(client, ksg_staff, rich_wanjiku, asked):
    other = client.__class__()
    assert (
        other.post(
            reverse("account_login"), {"login": rich_wanjiku.email, "password": DEFAULT_PASSWORD}
        ).status_code
        == 302
    )
    assert Session.objects.count() >= 1
    _decide(client, ksg_staff, asked, "approve")
    # The session she had is gone, and signing in again fails under either address.
    assert other.get(reverse("privacy:my_data")).status_code == 302
    for email in ("wanjiku@ict.demo.go.ke", f"erased-{rich_wanjiku.pk}@erased.invalid"):
        fresh = client.__class__()
        fresh.post(reverse("account_login"), {"login": email, "password": DEFAULT_PASSWORD})
        assert "_auth_user_id" not in fresh.session


def test_report_figures_are_unchanged(client, ksg_staff, rich_wanjiku, asked):
    before = _figures()
    assert before[0].completed == 1
    _decide(client, ksg_staff, asked, "approve")
    assert _figures() == before


def test_a_declined_request_changes_nothing(client, ksg_staff, rich_wanjiku, asked, certificate):
    before = _snapshot(rich_wanjiku)
    certificate_before = Certificate.objects.values().get(pk=certificate.pk)
    response = _decide(client, ksg_staff, asked, "decline", reason="Certificate under appeal.")
    assert response.status_code == 302
    assert _snapshot(rich_wanjiku) == before
    assert Certificate.objects.values().get(pk=certificate.pk) == certificate_before
    asked.refresh_from_db()
    assert asked.status == Status.DECLINED
    assert asked.decision_reason == "Certificate under appeal."
    assert AuditEvent.objects.filter(action="privacy.erasure.declined").count() == 1
    client.force_login(rich_wanjiku)
    assert "Certificate under appeal." in client.get(reverse("privacy:erasure")).content.decode()


def test_a_decided_request_cannot_be_decided_again(client, ksg_staff, asked):
    _decide(client, ksg_staff, asked, "decline")
    response = _decide(client, ksg_staff, asked, "approve")
    assert response.status_code == 404
    asked.refresh_from_db()
    assert asked.status == Status.DECLINED
    with pytest.raises(services.ErasureAlreadyDecided):
        services.erasure_decide(request=asked, approve=True, by=ksg_staff, reason="x")


def test_a_member_of_staff_cannot_approve_their_own_erasure(client, ksg_staff):
    _ask(client, ksg_staff, reason="I am leaving KSG.")
    own = ErasureRequest.objects.get(user=ksg_staff)

    response = _decide(client, ksg_staff, own, "approve")

    assert response.status_code == 200
    assert "Another member of KSG staff must decide your own request." in (
        response.content.decode()
    )
    own.refresh_from_db()
    assert own.status == Status.PENDING
    assert User.objects.get(pk=ksg_staff.pk).email == ksg_staff.email
    with pytest.raises(services.ErasureOwnRequest):
        services.erasure_decide(request=own, approve=True, by=ksg_staff, reason="x")


def test_staff_see_pending_requests(client, ksg_staff, asked):
    client.force_login(ksg_staff)
    page = client.get(reverse("privacy:staff_list"))
    assert page.status_code == 200
    assert "wanjiku@ict.demo.go.ke" in page.content.decode()
    assert client.get(reverse("privacy:staff_decide", args=[asked.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["wanjiku", "otieno", "hr_ict", "trainer", "huawei_reviewer"])
def test_outsiders_cannot_see_or_decide_requests(client, request, persona, asked):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("privacy:staff_list")).status_code == 403
    url = reverse("privacy:staff_decide", args=[asked.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve", "reason": "x"}).status_code == 403
    asked.refresh_from_db()
    assert asked.status == Status.PENDING


def test_anonymous_cannot_see_requests(client, asked):
    for url in (
        reverse("privacy:staff_list"),
        reverse("privacy:staff_decide", args=[asked.pk]),
    ):
        assert client.get(url).status_code == 302


def test_the_selector_hides_requests_from_non_staff(hr_ict, asked):
    from django.http import Http404

    from privacy import selectors

    with pytest.raises(Http404):
        selectors.erasure_requests_for(hr_ict)


def test_erasure_is_one_transaction(ksg_staff, asked, monkeypatch):
    """A failure half-way leaves the request pending and the person untouched."""
    before = _snapshot(asked.user)

    def fail(**kwargs):
        raise RuntimeError("disk full")

    from certificates.models import Certificate as CertificateModel

    monkeypatch.setattr(CertificateModel, "save", lambda *a, **k: fail())
    with pytest.raises(RuntimeError):
        services.erasure_decide(request=asked, approve=True, by=ksg_staff, reason="ok")
    assert _snapshot(asked.user) == before
    asked.refresh_from_db()
    assert asked.status == Status.PENDING


def test_the_listed_sessions_end_too(client, ksg_staff, rich_wanjiku, asked):
    from allauth.usersessions.models import UserSession

    signed_in = Client()
    signed_in.force_login(rich_wanjiku)
    UserSession.objects.get_or_create(
        session_key=signed_in.session.session_key,
        defaults={"user": rich_wanjiku, "ip": "127.0.0.1", "user_agent": "test"},
    )
    _decide(client, ksg_staff, asked, "approve")
    assert not UserSession.objects.filter(user=rich_wanjiku).exists()
    assert not Session.objects.filter(session_key=signed_in.session.session_key).exists()

"""Staff revoke and re-issue certificates: the rules, the history and audit, the officer's
e-mails (issued, revoked, re-issued, through the enrolment e-mails' outbox), the revocation that
follows a result overridden to not completed, and the staff pages (outsiders are denied)."""

import pytest
from django.core import mail
from django.urls import reverse

from academy.models import AuditEvent
from certificates import services
from certificates.models import Certificate
from certificates.services import CertificateRefused
from enrollments import results
from enrollments.models import Enrollment, Notification
from enrollments.notifications import send_pending_notifications
from tests.certificates.conftest import completed_officer, pdf_text

pytestmark = pytest.mark.django_db
Status = Certificate.Status
Kind = Notification.Kind


def actions(certificate) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_id=str(certificate.pk), action__startswith="certificates")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- Revoking --------------------------------------------------------------------------------


def test_staff_revoke_with_a_reason(certificate, ksg_staff):
    revoked = services.certificate_revoke(
        certificate=certificate, by=ksg_staff, reason="  Issued in error  "
    )

    certificate.refresh_from_db()
    assert certificate.status == Status.REVOKED
    assert certificate.revoked_reason == "Issued in error"
    assert certificate.revoked_at is not None
    assert revoked.pk == certificate.pk
    event = AuditEvent.objects.get(action="certificates.certificate.revoked")
    assert event.actor == ksg_staff
    assert event.data == {"serial": certificate.serial, "reason": "Issued in error"}


def test_a_certificate_is_not_revoked_twice(certificate, ksg_staff):
    services.certificate_revoke(certificate=certificate, by=ksg_staff, reason="Error")

    with pytest.raises(CertificateRefused) as refused:
        services.certificate_revoke(certificate=certificate, by=ksg_staff, reason="Again")

    assert refused.value.code == "already_revoked"
    assert AuditEvent.objects.filter(action="certificates.certificate.revoked").count() == 1


def test_a_reason_is_needed(certificate, ksg_staff):
    with pytest.raises(CertificateRefused) as refused:
        services.certificate_revoke(certificate=certificate, by=ksg_staff, reason="   ")
    assert refused.value.code == "reason_required"
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID


@pytest.mark.parametrize("persona", ["wanjiku", "hr_ict", "trainer"])
def test_only_staff_revoke_or_reissue(request, certificate, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(CertificateRefused) as refused:
        services.certificate_revoke(certificate=certificate, by=user, reason="No")
    assert refused.value.code == "staff_only"
    with pytest.raises(CertificateRefused):
        services.certificate_reissue(certificate=certificate, by=user, reason="No")
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID


def test_a_superseded_certificate_is_not_revoked(certificate, ksg_staff):
    services.certificate_reissue(certificate=certificate, by=ksg_staff, reason="Name")
    with pytest.raises(CertificateRefused) as refused:
        services.certificate_revoke(certificate=certificate, by=ksg_staff, reason="Error")
    assert refused.value.code == "superseded"


# --- Re-issuing ------------------------------------------------------------------------------


def test_a_reissue_makes_a_new_certificate_and_keeps_the_old_as_superseded(
    certificate, ksg_staff, wanjiku
):
    wanjiku.full_name = "Wanjiku Kamau Njoroge"
    wanjiku.save()

    new = services.certificate_reissue(
        certificate=certificate, by=ksg_staff, reason="Name corrected"
    )

    certificate.refresh_from_db()
    assert certificate.status == Status.SUPERSEDED
    assert certificate.superseded_by == new
    assert new.status == Status.VALID
    assert new.serial == certificate.serial[:-6] + "000002"
    assert new.verification_code != certificate.verification_code
    assert new.pdf and new.pdf_sha256 and new.pdf_sha256 != certificate.pdf_sha256
    assert new.issued_by == ksg_staff
    # The new one prints the facts as they are now; the old one is unchanged.
    assert new.officer_name == "Wanjiku Kamau Njoroge"
    assert "Wanjiku Kamau Njoroge" in pdf_text(new)
    assert certificate.officer_name == "Wanjiku Kamau"
    assert actions(certificate) == [
        "certificates.certificate.issued",
        "certificates.certificate.rendered",
        "certificates.certificate.superseded",
    ]
    assert actions(new) == ["certificates.certificate.issued", "certificates.certificate.rendered"]
    issued = AuditEvent.objects.filter(target_id=str(new.pk)).order_by("pk").first()
    assert issued.data["reissue_of"] == certificate.serial
    assert issued.data["reason"] == "Name corrected"


def test_only_the_current_certificate_is_reissued(certificate, ksg_staff):
    services.certificate_reissue(certificate=certificate, by=ksg_staff, reason="One")
    with pytest.raises(CertificateRefused) as refused:
        services.certificate_reissue(certificate=certificate, by=ksg_staff, reason="Two")
    assert refused.value.code == "superseded"
    assert Certificate.objects.count() == 2


def test_a_revoked_certificate_can_be_reissued(certificate, ksg_staff):
    services.certificate_revoke(certificate=certificate, by=ksg_staff, reason="By mistake")

    new = services.certificate_reissue(certificate=certificate, by=ksg_staff, reason="Restored")

    certificate.refresh_from_db()
    assert certificate.status == Status.SUPERSEDED
    assert certificate.revoked_reason == "By mistake"  # the history stays
    assert new.status == Status.VALID


def test_a_certificate_of_an_enrolment_no_longer_completed_is_not_reissued(
    certificate, ksg_staff, completed
):
    Enrollment.objects.filter(pk=completed.pk).update(state=Enrollment.State.NOT_COMPLETED)
    with pytest.raises(CertificateRefused) as refused:
        services.certificate_reissue(certificate=certificate, by=ksg_staff, reason="Why")
    assert refused.value.code == "not_completed"


def test_issuing_again_after_a_reissue_returns_the_new_one(certificate, ksg_staff, completed):
    new = services.certificate_reissue(certificate=certificate, by=ksg_staff, reason="Name")
    assert services.certificate_issue(enrollment=completed) == new


# --- The officer is told ---------------------------------------------------------------------


def test_the_officer_is_told_when_issued_revoked_and_reissued(certificate, ksg_staff, wanjiku):
    send_pending_notifications()
    assert [m.subject for m in mail.outbox] == [
        "Your certificate: Introduction to Digital Government in Kenya"
    ]
    assert certificate.verification_code in mail.outbox[0].body
    services.certificate_revoke(certificate=certificate, by=ksg_staff, reason="Wrong cohort")
    new = services.certificate_reissue(certificate=certificate, by=ksg_staff, reason="Fixed")
    send_pending_notifications()

    kinds = list(
        Notification.objects.filter(enrollment=certificate.enrollment)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [Kind.CERTIFICATE_ISSUED, Kind.CERTIFICATE_REVOKED, Kind.CERTIFICATE_REISSUED]
    revoked, reissued = mail.outbox[1], mail.outbox[2]
    assert revoked.to == [wanjiku.email]
    assert revoked.subject == f"Certificate {certificate.serial} revoked"
    assert "Reason given: Wrong cohort" in revoked.body
    assert new.serial in reissued.body and certificate.serial in reissued.body
    assert new.verification_code in reissued.body


def test_the_emails_are_in_the_officers_language(completed, signatories, wanjiku):
    wanjiku.preferred_language = "sw"
    wanjiku.save()

    services.certificate_issue(enrollment=completed)
    send_pending_notifications()

    assert mail.outbox[0].subject.startswith("Cheti chako")


def test_a_rolled_back_revocation_tells_nobody(certificate, ksg_staff):
    from django.db import transaction

    sent = len(mail.outbox)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.certificate_revoke(certificate=certificate, by=ksg_staff, reason="Error")
        raise RuntimeError
    assert len(mail.outbox) == sent
    assert not Notification.objects.filter(kind=Kind.CERTIFICATE_REVOKED).exists()


# --- A result overridden to not completed ----------------------------------------------------


def test_overriding_a_completed_result_revokes_its_certificate(certificate, completed, ksg_staff):
    results.enrollment_complete(
        enrollment=completed, by=ksg_staff, completed=False, reason="Plagiarised assessment"
    )

    certificate.refresh_from_db()
    assert certificate.status == Status.REVOKED
    assert certificate.revoked_reason == (
        "The result was changed to not completed: Plagiarised assessment"
    )
    event = AuditEvent.objects.get(action="certificates.certificate.revoked")
    assert event.actor == ksg_staff


def test_an_override_without_a_certificate_revokes_nothing(ended, ksg_staff, signatories):
    enrollment = completed_officer(ended, 7)
    results.enrollment_complete(enrollment=enrollment, by=ksg_staff, completed=False, reason="X")
    assert not Certificate.objects.exists()


# --- The staff pages -------------------------------------------------------------------------


def detail_url(certificate):
    return reverse("certificates:staff_detail", kwargs={"serial": certificate.serial})


def test_staff_find_certificates_by_serial_and_name(client, certificate, ksg_staff, ended):
    other = services.certificate_issue(enrollment=completed_officer(ended, 3))
    client.force_login(ksg_staff)
    url = reverse("certificates:staff_list")

    by_serial = client.get(url, {"q": certificate.serial}).content.decode()
    by_name = client.get(url, {"q": "wanjiku"}).content.decode()
    everyone = client.get(url).content.decode()

    assert certificate.serial in by_serial and other.serial not in by_serial
    assert certificate.serial in by_name and other.serial not in by_name
    assert certificate.serial in everyone and other.serial in everyone


def test_the_list_page_has_a_fixed_number_of_queries(
    client, certificate, ksg_staff, ended, django_assert_max_num_queries
):
    for n in range(3, 8):
        services.certificate_issue(enrollment=completed_officer(ended, n))
    client.force_login(ksg_staff)
    with django_assert_max_num_queries(8):
        client.get(reverse("certificates:staff_list"))


def test_staff_revoke_and_reissue_on_the_page_and_see_the_history(client, certificate, ksg_staff):
    client.force_login(ksg_staff)

    response = client.post(
        reverse("certificates:staff_revoke", kwargs={"serial": certificate.serial}),
        {"revoke-reason": "Issued in error"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("certificates:staff_reissue", kwargs={"serial": certificate.serial}),
        {"reissue-reason": "Restored after review"},
    )
    new = Certificate.objects.get(status=Status.VALID)
    assert response["Location"] == detail_url(new)

    html = client.get(detail_url(new)).content.decode()
    for text in [
        certificate.serial,
        new.serial,
        "certificates.certificate.revoked",
        "Issued in error",
        "certificates.certificate.superseded",
        "Restored after review",
    ]:
        assert text in html


def test_the_page_explains_a_refusal(client, certificate, ksg_staff):
    client.force_login(ksg_staff)
    services.certificate_revoke(certificate=certificate, by=ksg_staff, reason="Error")

    response = client.post(
        reverse("certificates:staff_revoke", kwargs={"serial": certificate.serial}),
        {"revoke-reason": "Again"},
    )

    assert response.status_code == 400
    assert "is revoked already" in response.content.decode()


def test_a_blank_reason_is_refused_on_the_page(client, certificate, ksg_staff):
    client.force_login(ksg_staff)
    response = client.post(
        reverse("certificates:staff_revoke", kwargs={"serial": certificate.serial}),
        {"revoke-reason": ""},
    )
    assert response.status_code == 400
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID


@pytest.mark.parametrize("persona", ["wanjiku", "hr_ict", "trainer", "huawei_reviewer"])
def test_outsiders_are_denied_the_staff_pages(request, client, certificate, persona):
    client.force_login(request.getfixturevalue(persona))
    serial = {"serial": certificate.serial}
    cohort = {"pk": certificate.enrollment.cohort_id}

    assert client.get(reverse("certificates:staff_list")).status_code == 403
    assert client.get(detail_url(certificate)).status_code == 403
    assert client.get(reverse("certificates:staff_cohort", kwargs=cohort)).status_code == 403
    for name in ["staff_revoke", "staff_reissue"]:
        response = client.post(
            reverse(f"certificates:{name}", kwargs=serial),
            {"revoke-reason": "x", "reissue-reason": "x"},
        )
        assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID


def test_anonymous_is_sent_to_sign_in(client, certificate):
    response = client.get(detail_url(certificate))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]

"""Issuing: one current certificate per completed enrolment, serials without gaps per year, what
the certificate prints copied at issue, the PDF stored once with its SHA-256, and the audit."""

import datetime
import hashlib

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.models import AuditEvent
from certificates import services
from certificates.models import Certificate, SerialCounter
from enrollments.models import Enrollment
from tests.certificates.conftest import completed_officer
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db
State = Enrollment.State


def year() -> int:
    return timezone.localdate().year


def test_a_completed_enrolment_gets_the_first_serial_of_the_year(certificate, completed):
    assert certificate.serial == f"KSG-{year()}-000001"
    assert certificate.enrollment == completed
    assert certificate.status == Certificate.Status.VALID
    assert certificate.issued_by is None
    assert SerialCounter.objects.get(year=year()).last == 1


def test_serials_follow_each_other_without_gaps(ended, signatories):
    issued = [services.certificate_issue(enrollment=completed_officer(ended, n)) for n in range(3)]
    assert [c.serial for c in issued] == [f"KSG-{year()}-{n:06d}" for n in (1, 2, 3)]


def test_each_year_counts_from_one(completed):
    assert services._next_serial(datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)) == (
        "KSG-2031-000001"
    )
    assert services._next_serial(datetime.datetime(2031, 6, 1, tzinfo=datetime.UTC)) == (
        "KSG-2031-000002"
    )
    # 31 December 2031, 22:30 in UTC, is already 2032 in Nairobi.
    late = datetime.datetime(2031, 12, 31, 22, 30, tzinfo=datetime.UTC)
    assert services._next_serial(late) == "KSG-2032-000001"


def test_a_rolled_back_issue_gives_its_serial_back(ended, signatories):
    first = completed_officer(ended, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        services._issue_row(enrollment_id=first.pk, by=None)
        raise RuntimeError("the worker died")

    assert not Certificate.objects.exists()
    assert services.certificate_issue(enrollment=first).serial == f"KSG-{year()}-000001"


def test_issuing_again_returns_the_same_certificate(certificate, completed):
    again = services.certificate_issue(enrollment=completed.pk)

    assert again.pk == certificate.pk
    assert again.pdf.name == certificate.pdf.name
    assert Certificate.objects.count() == 1
    assert AuditEvent.objects.filter(action="certificates.certificate.issued").count() == 1
    assert SerialCounter.objects.get(year=year()).last == 1


def test_the_issue_is_audited(certificate, completed):
    event = AuditEvent.objects.get(action="certificates.certificate.issued")
    assert event.target == certificate
    assert event.data == {
        "serial": certificate.serial,
        "enrollment": completed.pk,
        "officer": completed.officer_id,
        "course": "DPD-101",
        "cohort": "DPD-101-LK",
    }
    rendered = AuditEvent.objects.get(action="certificates.certificate.rendered")
    assert rendered.data["sha256"] == certificate.pdf_sha256


@pytest.mark.parametrize(
    "state", [State.ENROLLED, State.NOT_COMPLETED, State.WITHDRAWN, State.WAITLISTED]
)
def test_only_a_completed_enrolment_earns_a_certificate(ended, wanjiku, state):
    enrollment = EnrollmentFactory(officer=wanjiku, cohort=ended, state=state)

    with pytest.raises(services.CertificateRefused) as refused:
        services.certificate_issue(enrollment=enrollment)

    assert refused.value.code == "not_completed"
    assert not Certificate.objects.exists()
    assert not SerialCounter.objects.exists()


def test_an_officer_without_a_name_gets_one_once_the_name_is_added(ended, signatories):
    """The e-mail address is never printed (nor shown on the public verification page) in
    place of a name: the certificate waits, and the hourly sweep issues it."""
    from certificates.tasks import issue_missing_certificates

    enrollment = completed_officer(ended, 1)
    officer = enrollment.officer
    officer.full_name = "  "
    officer.save(update_fields=["full_name"])
    with pytest.raises(services.CertificateRefused) as refused:
        services.certificate_issue(enrollment=enrollment)
    assert refused.value.code == "no_name"
    assert not Certificate.objects.exists()
    assert not SerialCounter.objects.exists(), "no serial is spent on it"

    officer.full_name = "Achieng Otieno"
    officer.save(update_fields=["full_name"])
    issue_missing_certificates.delay()
    (certificate,) = Certificate.objects.all()
    assert certificate.officer_name == "Achieng Otieno"
    assert officer.email not in str(certificate.badge_facts)


def test_an_unknown_enrolment_is_refused(db):
    with pytest.raises(services.CertificateRefused) as refused:
        services.certificate_issue(enrollment=987654)
    assert refused.value.code == "no_enrolment"


def test_the_database_holds_one_current_certificate_per_enrolment(certificate, completed):
    duplicate = Certificate.objects.get(pk=certificate.pk)
    duplicate.pk = None
    duplicate.serial = f"KSG-{year()}-999999"
    duplicate.verification_code = "another-code"
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_superseded_certificate_stays_beside_the_current_one(certificate, completed):
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.SUPERSEDED)

    new = services.certificate_issue(enrollment=completed)

    assert new.pk != certificate.pk
    assert new.serial == f"KSG-{year()}-000002"
    assert completed.certificates.count() == 2


def test_a_revoked_certificate_is_not_issued_again_by_itself(certificate, completed):
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.REVOKED, revoked_at=timezone.now(), revoked_reason="Error"
    )

    again = services.certificate_issue(enrollment=completed)

    assert again.pk == certificate.pk
    assert again.status == Certificate.Status.REVOKED


def test_verification_codes_are_long_random_and_unique(ended, signatories):
    codes = {
        services.certificate_issue(enrollment=completed_officer(ended, n)).verification_code
        for n in range(3)
    }
    assert len(codes) == 3
    for code in codes:
        # token_urlsafe(22): 22 random bytes (176 bits) in 30 URL-safe characters.
        assert len(code) == 30
        assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_the_certificate_keeps_what_it_printed_when_the_course_changes(certificate, course):
    course.title = "A renamed course"
    course.cpd_hours = 99
    course.save()
    course.competencies.clear()

    certificate.refresh_from_db()
    assert certificate.course_title == "Introduction to Digital Government in Kenya"
    assert certificate.cpd_hours == 18
    assert certificate.competencies == ["Digital government foundations", "Service design basics"]


def test_the_printed_facts_are_copied_at_issue(certificate, ended):
    assert certificate.officer_name == "Wanjiku Kamau"
    assert (certificate.course_code, certificate.level, certificate.skill_area) == (
        "DPD-101",
        "foundation",
        "Digital Planning and Design",
    )
    assert certificate.provider == "Kenya School of Government"
    assert (certificate.cohort_code, certificate.campus) == ("DPD-101-LK", "Lower Kabete")
    assert (certificate.cohort_starts_on, certificate.cohort_ends_on) == (
        ended.starts_on,
        ended.ends_on,
    )
    assert [s["name"] for s in certificate.signatories] == [
        "Prof. Amina Wekesa",
        "Dr. Ann Wambũi Ng'ang'a",
    ]
    assert all(s["signature"].startswith("signatures/") for s in certificate.signatories)


def test_only_active_signatories_sign(completed, signatories):
    signatories[0].active = False
    signatories[0].save()

    certificate = services.certificate_issue(enrollment=completed)

    assert [s["name"] for s in certificate.signatories] == ["Dr. Ann Wambũi Ng'ang'a"]


def test_the_pdf_is_stored_under_a_random_name_with_its_sha256(certificate):
    assert certificate.pdf.name.startswith(f"certificates/{year()}/")
    assert certificate.serial not in certificate.pdf.name
    assert len(certificate.pdf.name.rsplit("/", 1)[1]) == len("0" * 32 + ".pdf")
    with certificate.pdf.open("rb") as file:
        assert hashlib.sha256(file.read()).hexdigest() == certificate.pdf_sha256


def test_a_second_render_keeps_the_first_file_and_deletes_its_own(certificate):
    storage = certificate.pdf.storage
    folder = certificate.pdf.name.rsplit("/", 1)[0]
    before = set(storage.listdir(folder)[1])

    again = services.certificate_render(certificate=certificate)

    assert again.pdf.name == certificate.pdf.name
    assert set(storage.listdir(folder)[1]) == before
    assert AuditEvent.objects.filter(action="certificates.certificate.rendered").count() == 1


def test_a_certificate_left_without_its_pdf_is_rendered_when_issued_again(completed, signatories):
    row = services._issue_row(enrollment_id=completed.pk, by=None)
    assert not row.pdf

    certificate = services.certificate_issue(enrollment=completed)

    assert certificate.pk == row.pk
    assert certificate.pdf and certificate.pdf_sha256

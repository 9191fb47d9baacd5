"""Writes of certificates: issuing one for a completed enrolment, and printing its PDF.

Issuing is two short steps, each safe to repeat:

1. ``certificate_issue`` takes the next serial of the year and writes the certificate row (with
   its copies of what it prints) and its audit event, in one transaction. The enrolment's row is
   locked first, so two workers issuing for the same completion at once make one certificate:
   the second waits, then finds it. The year's counter row is locked only for the insert, so
   serials have no gaps (a rolled-back issue gives its number back) and concurrent issues of
   different enrolments queue only for that moment.
2. ``certificate_render`` signs the certificate's Open Badges credential (``certificates.badges``
   and ``certificates.signing``) and prints the PDF with the credential attached, outside any
   transaction (it takes the longest, and must not hold the counter's lock); it stores both
   once and keeps the PDF's SHA-256.

A worker that dies between the two leaves a certificate without its PDF; issuing again (the
task, or the hourly sweep of ``certificates.tasks``) renders it.

KSG staff revoke a certificate with a reason (``certificate_revoke``) and re-issue one
(``certificate_reissue``: a new serial and PDF, the old certificate kept as superseded and
pointing to the new one). Each change is audited and the officer is e-mailed, through the
enrolment e-mails' outbox (``enrollments.notifications``), in the change's transaction.
Issuing or re-issuing a whole cohort is a ``CertificateRun`` (``certificates.runs``).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.audit import audit_record
from academy.models import User
from academy.roles import is_ksg_staff
from certificates import badges, signing
from certificates.models import Certificate, SerialCounter, Signatory
from certificates.rendering import render_pdf
from certificates.verification import verification_url
from enrollments.models import Enrollment, Notification
from enrollments.notifications import notify

State = Enrollment.State
Status = Certificate.Status

# Certificates that still stand for their enrolment: at most one per enrolment.
CURRENT_STATUSES = (Status.VALID, Status.REVOKED)


class CertificateRefused(Exception):
    """No certificate for this enrolment; ``code`` says which rule, ``message`` why."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def certificate_issue(*, enrollment: Enrollment | int, by: User | None = None) -> Certificate:
    """The completed ``enrollment`` has its current certificate, with a serial and a stored PDF.

    Idempotent: when the enrolment has a certificate already (valid or revoked) it is returned
    as it is, rendered first if its PDF is missing. ``by`` is who asked (None: the completion).
    """
    certificate = _issue_row(enrollment_id=getattr(enrollment, "pk", enrollment), by=by)
    # No name on record means the holder was erased (privacy): nothing is printed again.
    if not certificate.pdf and certificate.officer_name:
        certificate = certificate_render(certificate=certificate)
    return certificate


def certificate_render(*, certificate: Certificate) -> Certificate:
    """``certificate`` has its PDF stored, with the file's SHA-256, and its signed Open Badges
    credential, which the PDF carries inside; rendered once.

    Two renders at once both print, but only the first to store keeps its file: the second sees
    the PDF set under the row's lock and deletes its own copy.
    """
    credential_jwt = signing.sign(badges.credential(certificate))
    data = render_pdf(certificate, credential_jwt=credential_jwt)
    digest = hashlib.sha256(data).hexdigest()
    name = default_storage.save(
        Certificate._meta.get_field("pdf").generate_filename(certificate, "certificate.pdf"),
        ContentFile(data),
    )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.pdf:
            keep = False
        else:
            keep = True
            locked.pdf.name = name
            locked.pdf_sha256 = digest
            locked.badge_jwt = credential_jwt
            locked.save(update_fields=["pdf", "pdf_sha256", "badge_jwt"])
            audit_record(
                actor=None,
                action="certificates.certificate.rendered",
                target=locked,
                data={"serial": locked.serial, "sha256": digest, "bytes": len(data)},
            )
    if not keep:
        default_storage.delete(name)
    return locked


def certificate_revoke(*, certificate: Certificate, by: User | None, reason: str) -> Certificate:
    """``certificate`` is revoked, with when and why; the officer is told.

    Only a valid certificate is revoked (not twice, not a superseded one), by KSG staff, with a
    reason. ``by`` None is the portal itself (a result changed to not completed).
    """
    reason = reason.strip()
    if by is not None and not is_ksg_staff(by):
        raise CertificateRefused("staff_only", _("Only KSG staff revoke certificates."))
    if not reason:
        raise CertificateRefused(
            "reason_required", _("Say why the certificate is revoked: the reason is public.")
        )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == Status.REVOKED:
            raise CertificateRefused(
                "already_revoked",
                _("Certificate %(serial)s is revoked already.") % {"serial": locked.serial},
            )
        if locked.status == Status.SUPERSEDED:
            raise CertificateRefused(
                "superseded",
                _("Certificate %(serial)s was re-issued: revoke the current one instead.")
                % {"serial": locked.serial},
            )
        locked.status = Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_reason"])
        audit_record(
            actor=by,
            action="certificates.certificate.revoked",
            target=locked,
            data={"serial": locked.serial, "reason": reason},
        )
        notify(
            locked.enrollment,
            Notification.Kind.CERTIFICATE_REVOKED,
            data={**_facts(locked), "reason": reason},
        )
    return locked


def certificate_reissue(*, certificate: Certificate, by: User | None, reason: str) -> Certificate:
    """A new certificate (next serial, new code, the facts as they are now, a new PDF) replaces
    ``certificate``, which is kept as superseded and points to it; the officer is told.

    Only the current certificate of a completed enrolment is re-issued (a revoked one too: that
    is how a revocation made in error is put right), by KSG staff, with a reason. Returns the
    new certificate.
    """
    reason = reason.strip()
    if by is not None and not is_ksg_staff(by):
        raise CertificateRefused("staff_only", _("Only KSG staff re-issue certificates."))
    if not reason:
        raise CertificateRefused("reason_required", _("Say why the certificate is re-issued."))
    with transaction.atomic():
        # The enrolment first, as issuing locks it: a completion issuing at the same moment
        # waits, then finds the new certificate.
        state = (
            Enrollment.objects.select_for_update()
            .filter(pk=certificate.enrollment_id)
            .values_list("state", flat=True)
            .get()
        )
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if old.status == Status.SUPERSEDED:
            raise CertificateRefused(
                "superseded",
                _("Certificate %(serial)s was re-issued already: re-issue the current one.")
                % {"serial": old.serial},
            )
        if state != State.COMPLETED:
            raise CertificateRefused(
                "not_completed",
                _("The enrolment is %(state)s now: only a completed one earns a certificate.")
                % {"state": State(state).label.lower()},
            )
        # Superseded before the new row goes in: one current certificate per enrolment.
        old.status = Status.SUPERSEDED
        old.save(update_fields=["status"])
        enrollment = _for_printing(old.enrollment_id)
        new = Certificate(enrollment=enrollment, issued_by=by, **_printed(enrollment))
        new.serial = _next_serial(new.issued_at)
        new.save()
        old.superseded_by = new
        old.save(update_fields=["superseded_by"])
        audit_record(
            actor=by,
            action="certificates.certificate.superseded",
            target=old,
            data={"serial": old.serial, "by": new.serial, "reason": reason},
        )
        audit_record(
            actor=by,
            action="certificates.certificate.issued",
            target=new,
            data={**_issued_data(new), "reissue_of": old.serial, "reason": reason},
        )
        notify(
            enrollment,
            Notification.Kind.CERTIFICATE_REISSUED,
            data={**_facts(new), "previous_serial": old.serial, "reason": reason},
        )
    return certificate_render(certificate=new)


# --- Helpers -------------------------------------------------------------------------------


def _issue_row(*, enrollment_id: int, by: User | None) -> Certificate:
    try:
        with transaction.atomic():
            return _issue_row_locked(enrollment_id=enrollment_id, by=by)
    except IntegrityError:
        # Another process inserted the current certificate between our check and our insert
        # (possible only where the enrolment's lock is not a real row lock, as on SQLite): the
        # unique constraint refused ours, and the counter went back with our transaction.
        existing = _current_certificate(enrollment_id)
        if existing is None:
            raise
        return existing


def _issue_row_locked(*, enrollment_id: int, by: User | None) -> Certificate:
    state = (
        Enrollment.objects.select_for_update()
        .filter(pk=enrollment_id)
        .values_list("state", flat=True)
        .first()
    )
    if state is None:
        raise CertificateRefused("no_enrolment", _("There is no enrolment with this number."))
    existing = _current_certificate(enrollment_id)
    if existing is not None:
        return existing
    if state != State.COMPLETED:
        raise CertificateRefused(
            "not_completed",
            _("Only a completed enrolment earns a certificate; this one is %(state)s.")
            % {"state": State(state).label.lower()},
        )
    enrollment = _for_printing(enrollment_id)
    certificate = Certificate(enrollment=enrollment, issued_by=by, **_printed(enrollment))
    # The counter last: its lock is what every concurrent issue waits for.
    certificate.serial = _next_serial(certificate.issued_at)
    certificate.save()
    audit_record(
        actor=by,
        action="certificates.certificate.issued",
        target=certificate,
        data=_issued_data(certificate),
    )
    notify(enrollment, Notification.Kind.CERTIFICATE_ISSUED, data=_facts(certificate))
    return certificate


def _for_printing(enrollment_id: int) -> Enrollment:
    return Enrollment.objects.select_related(
        "officer", "cohort__campus", "cohort__course__skill_area", "cohort__course__provider"
    ).get(pk=enrollment_id)


def _issued_data(certificate: Certificate) -> dict:
    return {
        "serial": certificate.serial,
        "enrollment": certificate.enrollment_id,
        "officer": certificate.enrollment.officer_id,
        "course": certificate.course_code,
        "cohort": certificate.cohort_code,
    }


def _facts(certificate: Certificate) -> dict:
    """What an e-mail about ``certificate`` tells, as it is at this change."""
    return {
        "serial": certificate.serial,
        "course_code": certificate.course_code,
        "course_title": certificate.course_title,
        "verification_url": verification_url(certificate),
    }


def _current_certificate(enrollment_id: int) -> Certificate | None:
    return (
        Certificate.objects.filter(enrollment_id=enrollment_id, status__in=CURRENT_STATUSES)
        .order_by("-pk")
        .first()
    )


def _next_serial(issued_at) -> str:
    """The next serial of the year ``issued_at`` falls in (Nairobi time): KSG-YYYY-NNNNNN."""
    year = timezone.localtime(issued_at).year
    # The year's row may not exist yet: create it without a race (a second creator is ignored),
    # then lock it. The lock lasts until the issuing transaction ends.
    SerialCounter.objects.bulk_create([SerialCounter(year=year)], ignore_conflicts=True)
    counter = SerialCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"KSG-{year}-{counter.last:06d}"


def _printed(enrollment: Enrollment) -> dict:
    """What the certificate prints, copied from the enrolment, its course and cohort, and the
    active signatories, as they are now."""
    cohort = enrollment.cohort
    course = cohort.course
    officer = enrollment.officer
    if not officer.full_name.strip():
        # The e-mail address is no name to print, and the verification page is public. The
        # hourly sweep issues the certificate once the profile has a name.
        raise CertificateRefused(
            "no_name",
            _(
                "The officer's profile has no full name to print on the certificate: add it, "
                "and the certificate is issued within the hour."
            ),
        )
    competencies = list(course.competencies.order_by("name").values_list("slug", "name"))
    return {
        "officer_name": officer.full_name.strip(),
        "course_code": course.code,
        "course_title": course.title,
        "skill_area": course.skill_area.name,
        "competencies": [name for _slug, name in competencies],
        "level": course.level,
        "cpd_hours": course.cpd_hours,
        "provider": course.provider.name,
        "cohort_code": cohort.code,
        "cohort_starts_on": cohort.starts_on,
        "cohort_ends_on": cohort.ends_on,
        "campus": cohort.campus.name if cohort.campus_id else "",
        "signatories": [
            {"name": s.name, "title": s.title, "signature": s.signature.name or ""}
            for s in Signatory.objects.filter(active=True)
        ],
        "badge_facts": badges.badge_facts(
            course=course, competencies=competencies, email=officer.email
        ),
    }

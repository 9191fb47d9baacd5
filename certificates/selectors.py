"""Reads of certificates, always on behalf of someone.

The PDF of a certificate goes to the officer it names, to the training officers of the
officer's organisation (or of an organisation above it), and to KSG staff. Anyone else is told
it does not exist (404), not that it is someone else's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from academy.models import Membership, User
from academy.roles import is_ksg_staff, organisation_scope
from certificates import badges, signing
from certificates.models import Certificate
from enrollments.models import Enrollment

Status = Certificate.Status


def certificates_of(officer: User) -> QuerySet[Certificate]:
    """The officer's own certificates, every status, newest first."""
    return Certificate.objects.filter(enrollment__officer=officer).order_by("-issued_at", "-pk")


def downloadable_by(user: User) -> QuerySet[Certificate]:
    """The certificates whose PDF ``user`` may download: KSG staff any; the officer and their
    training officers only valid ones (a revoked or superseded PDF is not to be handed on)."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    if is_ksg_staff(user):
        return Certificate.objects.all()
    mine = Q(enrollment__officer=user)
    scope = organisation_scope(user, Membership.Role.TRAINING_OFFICER)
    if scope.exists():
        mine |= Q(enrollment__officer__officer_profile__organisation__in=scope)
    return Certificate.objects.filter(mine, status=Status.VALID)


def certificate_for_download(user: User, serial: str) -> Certificate:
    """The certificate ``serial`` with its PDF, if ``user`` may download it; else Http404."""
    certificate = downloadable_by(user).filter(serial=serial).exclude(pdf="").first()
    if certificate is None:
        raise Http404(gettext("There is no certificate with this serial for you."))
    return certificate


def credential_jwt_of(certificate: Certificate) -> str:
    """The certificate's signed Open Badges credential: the one made with its PDF (and attached
    inside it); for a certificate printed before credentials existed, one signed now."""
    if certificate.badge_jwt:
        return certificate.badge_jwt
    return signing.sign(badges.credential(certificate))


def current_certificates(enrollments: Iterable[Enrollment]) -> dict[int, Certificate]:
    """The current certificate (valid or revoked) of each of ``enrollments`` that has one, by
    enrolment id. One query."""
    ids = [e.pk for e in enrollments]
    if not ids:
        return {}
    certificates = Certificate.objects.filter(
        enrollment_id__in=ids, status__in=(Status.VALID, Status.REVOKED)
    )
    return {c.enrollment_id: c for c in certificates}


def enrollments_awaiting_certificate(
    *, cohort_id: int | None = None, officer_ids: Iterable[int] | None = None
) -> list[int]:
    """Ids of completed enrolments without a current certificate, or whose certificate has no
    PDF yet (optionally of one cohort, or of some officers), oldest first."""
    # An erased holder (privacy.services.user_erase: account deactivated) keeps a certificate
    # without a PDF on purpose: a new print would be a re-issue the holder asked not to have.
    completed = Enrollment.objects.filter(state=Enrollment.State.COMPLETED, officer__is_active=True)
    if cohort_id is not None:
        completed = completed.filter(cohort_id=cohort_id)
    if officer_ids is not None:
        completed = completed.filter(officer_id__in=list(officer_ids))
    current = Certificate.objects.filter(status__in=(Status.VALID, Status.REVOKED))
    rendered = current.exclude(pdf="").values("enrollment_id")
    return list(completed.exclude(pk__in=rendered).order_by("pk").values_list("pk", flat=True))


# --- Public verification -------------------------------------------------------------------


def certificate_for_verification(code: str) -> Certificate | None:
    """The certificate whose verification code is ``code`` (anyone may ask), or None; a
    malformed code costs no query."""
    from certificates.verification import is_well_formed

    if not is_well_formed(code):
        return None
    return (
        Certificate.objects.select_related("superseded_by").filter(verification_code=code).first()
    )


def certificate_with_hash(sha256: str) -> Certificate | None:
    """The certificate whose stored PDF has this SHA-256, or None."""
    if len(sha256) != 64:
        return None
    return Certificate.objects.filter(pdf_sha256=sha256).first()


# --- KSG staff -----------------------------------------------------------------------------


def _staff_only(user: User) -> None:
    if not is_ksg_staff(user):
        raise Http404(gettext("There is no such certificate for you."))


def certificates_for_staff(user: User, *, search: str = "", status: str = "") -> QuerySet:
    """Every certificate, for KSG staff, newest first; ``search`` matches the serial, the
    officer's name or e-mail, the course or the cohort."""
    _staff_only(user)
    certificates = Certificate.objects.select_related("enrollment__officer")
    search = search.strip()
    if search:
        certificates = certificates.filter(
            Q(serial__iexact=search)
            | Q(serial__icontains=search)
            | Q(officer_name__icontains=search)
            | Q(enrollment__officer__email__iexact=search)
            | Q(course_code__iexact=search)
            | Q(cohort_code__iexact=search)
        )
    if status in Status.values:
        certificates = certificates.filter(status=status)
    return certificates.order_by("-issued_at", "-pk")


def certificate_for_staff(user: User, serial: str) -> Certificate:
    """The certificate ``serial`` for KSG staff; Http404 for anyone else or an unknown one."""
    _staff_only(user)
    certificate = (
        Certificate.objects.select_related(
            "enrollment__officer", "enrollment__cohort", "superseded_by", "issued_by"
        )
        .filter(serial=serial)
        .first()
    )
    if certificate is None:
        raise Http404(gettext("There is no certificate with this serial."))
    return certificate


def certificate_chain(certificate: Certificate) -> list[Certificate]:
    """Every certificate of the same enrolment (its re-issues and what they replaced), oldest
    first."""
    return list(
        Certificate.objects.filter(enrollment_id=certificate.enrollment_id).order_by(
            "issued_at", "pk"
        )
    )


def certificate_history(certificate: Certificate) -> QuerySet:
    """The audit events of every certificate of the same enrolment, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    from academy.models import AuditEvent

    ids = [str(c.pk) for c in certificate_chain(certificate)]
    return (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Certificate), target_id__in=ids
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def cohort_for_staff(user: User, pk: int):
    """The cohort ``pk`` for KSG staff issuing its certificates; Http404 otherwise."""
    from courses.models import Cohort

    _staff_only(user)
    cohort = Cohort.objects.select_related("course").filter(pk=pk).first()
    if cohort is None:
        raise Http404(gettext("There is no such cohort."))
    return cohort


def run_for_staff(user: User, pk: int):
    """The certificate run ``pk`` for KSG staff; Http404 otherwise."""
    from certificates.models import CertificateRun

    _staff_only(user)
    run = CertificateRun.objects.select_related("cohort__course").filter(pk=pk).first()
    if run is None:
        raise Http404(gettext("There is no such run."))
    return run


def runs_of(user: User, cohort) -> QuerySet:
    from certificates.models import CertificateRun

    _staff_only(user)
    return CertificateRun.objects.filter(cohort=cohort).order_by("-created_at", "-pk")

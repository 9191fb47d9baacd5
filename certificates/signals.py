"""Completion issues the certificate: the enrolment code knows nothing of certificates.

Two ways an enrolment becomes completed: a result decided one at a time (saved through the ORM,
which sends ``post_save``) and a cohort closed, which decides everyone at once with
``QuerySet.update()`` (no signal per enrolment) and then saves the cohort as closed. A receiver
listens to each. Both only enqueue, once the transaction commits: a rolled-back completion
issues nothing, and the PDF is never printed inside the enrolment's transaction.

The other way round: when KSG staff override a completed result to not completed, the
certificate it earned is revoked with the override's reason, in the same transaction (a
rolled-back override revokes nothing).
"""

from django.db import transaction
from django.db.models.signals import post_save

from courses.models import Cohort
from enrollments.models import Enrollment


def connect_signals() -> None:
    post_save.connect(
        enrollment_saved, sender=Enrollment, dispatch_uid="certificates-enrollment-saved"
    )
    post_save.connect(cohort_saved, sender=Cohort, dispatch_uid="certificates-cohort-saved")


def enrollment_saved(sender, instance: Enrollment, created: bool, update_fields=None, **kwargs):
    if update_fields is not None and "state" not in update_fields:
        return
    if instance.state == Enrollment.State.NOT_COMPLETED and not created:
        _revoke_for_result(instance)
        return
    if instance.state != Enrollment.State.COMPLETED:
        return
    from certificates.tasks import issue_certificate

    pk = instance.pk
    transaction.on_commit(lambda: issue_certificate.delay(pk))


def cohort_saved(sender, instance: Cohort, created: bool, update_fields=None, **kwargs):
    if instance.status != Cohort.Status.CLOSED:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    from certificates.tasks import issue_cohort_certificates

    pk = instance.pk
    transaction.on_commit(lambda: issue_cohort_certificates.delay(pk))


def _revoke_for_result(enrollment: Enrollment) -> None:
    from django.utils import translation
    from django.utils.translation import gettext

    from certificates.models import Certificate
    from certificates.services import certificate_revoke

    current = Certificate.objects.filter(
        enrollment=enrollment, status=Certificate.Status.VALID
    ).first()
    if current is None:
        return
    # The reason is public on the verification page: written in English, the certificate's
    # language, whatever the language of the staff member's session.
    with translation.override("en"):
        reason = gettext("The result was changed to not completed: %(reason)s") % {
            "reason": enrollment.reason or gettext("no reason given")
        }
    certificate_revoke(certificate=current, by=enrollment.result_recorded_by, reason=reason)

"""Completion issues the certificate: the enrolment code knows nothing of certificates.

Two ways an enrolment becomes completed: a result decided one at a time (saved through the ORM,
which sends ``post_save``) and a cohort closed, which decides everyone at once with
``QuerySet.update()`` (no signal per enrolment) and then saves the cohort as closed. A receiver
listens to each. Both only enqueue, once the transaction commits: a rolled-back completion
issues nothing, and the PDF is never printed inside the enrolment's transaction.
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
    if instance.state != Enrollment.State.COMPLETED:
        return
    if update_fields is not None and "state" not in update_fields:
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

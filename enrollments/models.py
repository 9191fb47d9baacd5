from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from academy.models import Organisation
from courses.models import Cohort, Course


class CohortQuota(models.Model):
    """Seats of a cohort set aside for one organisation and its sub-units.

    Officers of that organisation take seats from its quota only, and everyone else from the
    seats no quota covers: an organisation can't be crowded out, nor take more than its share.
    """

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="quotas"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cohort_quotas",
    )
    seats = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("seat quota")
        verbose_name_plural = _("seat quotas")
        ordering = ["cohort", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "organisation"], name="cohort_quota_one_per_organisation"
            ),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="cohort_quota_seats"),
        ]

    def __str__(self):
        return f"{self.cohort}: {self.seats} for {self.organisation}"


class Enrollment(models.Model):
    """An officer's place (or request for one) in a cohort."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waiting list")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")
        NOT_COMPLETED = "not_completed", _("Not completed")

    # States that hold one of the cohort's seats.
    SEAT_STATES = (State.ENROLLED, State.COMPLETED, State.NOT_COMPLETED)
    # States in which an officer is in a cohort, or in line for it: one of these per officer and
    # course at a time.
    ACTIVE_STATES = (State.REQUESTED, State.APPROVED, State.ENROLLED, State.WAITLISTED)

    # No index of their own: the unique (officer, cohort) index serves lookups by officer and
    # the (cohort, state) index lookups by cohort, and every enrolment would update two more.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="enrollments",
        db_index=False,
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="enrollments",
        db_index=False,
    )
    # The cohort's course, copied here so that the database itself holds the rule "one active
    # enrolment per officer and course" (a unique index can't reach through the cohort). Set
    # from the cohort on save; a cohort's course can't change once it has enrolments.
    course = models.ForeignKey(
        Course,
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    waitlist_position = models.PositiveIntegerField(
        _("waiting list position"),
        null=True,
        blank=True,
        help_text=_("1 for the first in line; set only while on the waiting list."),
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why it was last withdrawn, declined or overridden.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The officer, or whoever nominated or enrolled them."),
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who withdrew them: when not the officer, they may not re-enrol themselves."),
    )
    state_changed_at = models.DateTimeField(_("state changed"), null=True, blank=True)
    quota = models.ForeignKey(
        CohortQuota,
        verbose_name=_("seat quota"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        help_text=_("The quota whose seats the officer takes or waits for; empty for open seats."),
    )
    score = models.PositiveSmallIntegerField(
        _("assessment score (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    result_recorded_at = models.DateTimeField(_("result recorded"), null=True, blank=True)
    result_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("result recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    result_overridden = models.BooleanField(
        _("result overridden"),
        default=False,
        help_text=_("Staff set the result against the course's rule; the reason says why."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "cohort"], name="enrollment_one_per_officer_and_cohort"
            ),
            # Two requests at once into two cohorts of one course: the second insert fails here
            # rather than both passing the rule (see services.enrollment_create).
            models.UniqueConstraint(
                fields=["officer", "course"],
                # ACTIVE_STATES (a class attribute can't be named in Meta).
                condition=models.Q(state__in=("requested", "approved", "enrolled", "waitlisted")),
                name="enrollment_one_active_per_officer_and_course",
            ),
            # A position exactly while waiting: a promoted or withdrawn officer holds none.
            models.CheckConstraint(
                condition=(
                    models.Q(state="waitlisted", waitlist_position__isnull=False)
                    | (~models.Q(state="waitlisted") & models.Q(waitlist_position__isnull=True))
                ),
                name="enrollment_position_only_while_waiting",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100),
                name="enrollment_score_percent",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "state"])]

    def __str__(self):
        return f"{self.officer} in {self.cohort} ({self.get_state_display()})"

    def save(self, *args, **kwargs):
        if self.course_id is None:
            self.course_id = self.cohort.course_id
        super().save(*args, **kwargs)


class Attendance(models.Model):
    """Whether an officer was present on one session day of their cohort."""

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["enrollment", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "day"], name="attendance_one_per_enrollment_and_day"
            )
        ]

    def __str__(self):
        return f"{self.enrollment_id} {self.day}: {'present' if self.present else 'absent'}"


class OutgoingEmail(models.Model):
    """An e-mail written as a row before it is sent (an outbox).

    The row is written in the transaction of the change it tells about, so a rolled-back change
    tells nobody and a committed one is never lost: a worker sends a row and marks it sent in
    one short transaction (``enrollments.outbox``), and a row a dead worker or a restarted
    broker left pending goes out with the next run.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("No longer needed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        abstract = True


class Reminder(OutgoingEmail):
    """A reminder e-mail, written as a row before it is sent.

    The unique ``key`` (e.g. ``cohort_starts_7_days:enrollment:123``) makes scheduling
    idempotent: a reminder is created once however often the schedule runs.
    """

    class Kind(models.TextChoices):
        COHORT_STARTS_7_DAYS = "cohort_starts_7_days", _("Cohort starts in 7 days")
        COHORT_STARTS_1_DAY = "cohort_starts_1_day", _("Cohort starts tomorrow")
        APPROVAL_PENDING = "approval_pending", _("Request waiting for approval")
        RESULTS_MISSING = "results_missing", _("Results not recorded")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    key = models.CharField(_("key"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self):
        return self.key


class Notification(OutgoingEmail):
    """An e-mail owed to an officer about a change of their enrolment (enrolled, waiting list,
    promoted, request answered, withdrawn, moved to another cohort), or about the certificate it
    earned (issued, revoked, re-issued).

    Services write it in the transaction of the change; a worker sends it
    (``enrollments.notifications``). Writing a row costs the request less than handing a message
    to the broker, and a broker that is down when the change commits loses nothing.
    """

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waiting list")
        PROMOTED = "promoted", _("Promoted from the waiting list")
        APPROVED = "approved", _("Request approved")
        DECLINED = "declined", _("Request declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COHORT_CHANGED = "cohort_changed", _("Moved to another cohort")
        # Sent by the certificates app (certificates.services), with the facts in ``data``.
        CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
        CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")
        CERTIFICATE_REISSUED = "certificate_reissued", _("Certificate re-issued")

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The place in line when the change was made: by the time the e-mail is written, a waiting
    # officer may already have been promoted.
    waitlist_position = models.PositiveIntegerField(_("waiting list position"), null=True)
    # Facts the e-mail tells as they were at the change (a certificate's serial, a reason), for
    # the kinds that need more than the enrolment: by the time it is written they may differ.
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("enrolment e-mail")
        verbose_name_plural = _("enrolment e-mails")
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(status="pending"),
                name="notification_pending",
            )
        ]

    def __str__(self):
        return f"{self.kind}:enrollment:{self.enrollment_id}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import Cohort


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

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="enrollments"
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "cohort"], name="enrollment_one_per_officer_and_cohort"
            ),
            # A position exactly while waiting: a promoted or withdrawn officer holds none.
            models.CheckConstraint(
                condition=(
                    models.Q(state="waitlisted", waitlist_position__isnull=False)
                    | (~models.Q(state="waitlisted") & models.Q(waitlist_position__isnull=True))
                ),
                name="enrollment_position_only_while_waiting",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "state"])]

    def __str__(self):
        return f"{self.officer} in {self.cohort} ({self.get_state_display()})"

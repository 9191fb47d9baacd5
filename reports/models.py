"""Completion reports: the files a training officer or KSG staff ask for, the reports an
organisation subscribes to, and the national training target the dashboard measures against.

What a report counts is defined once, in ``reports.selectors``; the dashboard and every file are
computed from the same querysets, so their numbers agree for the same filters.
"""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.models import Organisation
from courses.models import Level, SkillArea
from enrollments.models import OutgoingEmail


class Kind(models.TextChoices):
    COMPLETIONS = "completions", _("Completions")
    ENROLMENT_STATUS = "enrolment_status", _("Enrolment status")
    SUMMARY = "summary", _("Summary by organisation and skill area")
    NO_TRAINING = "no_training", _("Officers with no training")


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", _("Excel (XLSX)")
    PDF = "pdf", "PDF"


def report_file_path(run: "ReportRun", filename: str) -> str:
    # A random name: a file's address can't be guessed from another's (downloads are still
    # checked against who asks; this only keeps storage listings from telling anything).
    extension = filename.rsplit(".", 1)[-1]
    return f"reports/{timezone.now():%Y/%m}/{secrets.token_urlsafe(18)}.{extension}"


class ReportParameters(models.Model):
    """What a report is about: the same fields for a one-off run and a subscription."""

    kind = models.CharField(_("report"), max_length=20, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("With its sub-units. Empty for the national report (KSG staff only)."),
    )
    skill_area = models.ForeignKey(
        SkillArea,
        verbose_name=_("skill area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)

    class Meta:
        abstract = True


class ReportRun(ReportParameters):
    """One report file asked for, built by a Celery worker from this row.

    The row is written first and the broker only carries the nudge, so a request is never
    lost. The same request (same person, same parameters) while one is queued or running gets
    that run back: a partial unique index on ``fingerprint`` holds this under concurrency.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_runs",
    )
    subscription = models.ForeignKey(
        "ReportSubscription",
        verbose_name=_("subscription"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
    )
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=64,
        help_text=_("A hash of who asked and the parameters: identical requests share it."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows to write"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=report_file_path, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last progress"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=models.Q(status__in=["queued", "running"]),
                name="report_run_one_unfinished_per_request",
            ),
            # A subscription's report of one period is built (and e-mailed) once.
            models.UniqueConstraint(
                fields=["subscription", "date_from"],
                condition=models.Q(subscription__isnull=False),
                name="report_run_one_per_subscription_period",
            ),
            models.CheckConstraint(
                condition=models.Q(date_from__lte=models.F("date_to")),
                name="report_run_period_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date_from} to {self.date_to} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status not in self.UNFINISHED

    @property
    def percent(self) -> int:
        """How much of the file is written, 0 to 100 (100 once ready)."""
        if self.status in (self.Status.READY, self.Status.EXPIRED):
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)


class ReportSubscription(ReportParameters):
    """An organisation's report, built and e-mailed every week or month to whoever subscribed.

    Each period is built once: a run of a subscription is unique for its period.
    """

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week (the week before, Monday to Sunday)")
        MONTHLY = "monthly", _("Every month (the month before)")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
    )
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")
        ordering = ["organisation__name", "kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_frequency_display()}) for {self.owner}"


class TrainingTarget(models.Model):
    """A national target of public servants trained, such as the Digital Master Plan's.

    KSG staff set it in the admin; the national dashboard measures progress against the
    latest one.
    """

    name = models.CharField(_("name"), max_length=200)
    officers = models.PositiveIntegerField(
        _("public servants to train"), validators=[MinValueValidator(1)]
    )
    deadline = models.DateField(_("by"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("set"), auto_now_add=True)

    class Meta:
        verbose_name = _("national training target")
        verbose_name_plural = _("national training targets")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name}: {self.officers} by {self.deadline:%Y}"


class ReportEmail(OutgoingEmail):
    """An e-mail about a report run ("your report is ready"), written as a row in the
    transaction that finishes the run and sent by ``enrollments.outbox`` (``reports.emails``):
    none lost when the broker is down, none sent twice."""

    class Kind(models.TextChoices):
        READY = "ready", _("Report ready")
        FAILED = "failed", _("Report could not be built")

    run = models.ForeignKey(
        ReportRun, verbose_name=_("report run"), on_delete=models.CASCADE, related_name="emails"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.READY)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="report_emails",
    )

    class Meta:
        verbose_name = _("report e-mail")
        verbose_name_plural = _("report e-mails")
        constraints = [
            models.UniqueConstraint(fields=["run", "kind"], name="report_email_one_per_run_kind")
        ]
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self):
        return f"{self.kind} {self.run_id} to {self.recipient_id}"

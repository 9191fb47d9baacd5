"""Certificates of completion, the signatories printed on them, and the per-year serial counter.

A certificate copies what it prints (officer, course, cohort, signatories) at the moment it is
issued: a course edited or a signatory replaced later must not change a certificate already in
someone's hands, nor what the verification page says about it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Cohort, Level
from enrollments.models import Enrollment


def _signature_path(signatory, filename: str) -> str:
    # A random name: the upload's own name says nothing we want to keep, and can't collide.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"signatures/{secrets.token_hex(16)}.{suffix}"


def _pdf_path(certificate, filename: str) -> str:
    # Random, so that a storage whose files are reachable by URL (a bucket) gives nothing away
    # by its names: the serial is guessable, the file name is not.
    return f"certificates/{certificate.issued_at:%Y}/{secrets.token_hex(16)}.pdf"


def new_verification_code() -> str:
    """176 random bits, URL-safe: guessing a valid code is hopeless."""
    return secrets.token_urlsafe(22)


class Signatory(models.Model):
    """Someone whose name, title and signature are printed on every certificate issued while
    they are active, in their order. KSG staff keep the list in the admin."""

    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(
        _("title"), max_length=200, help_text=_("As printed, e.g. 'Director General, KSG'.")
    )
    signature = models.ImageField(
        _("signature image"),
        upload_to=_signature_path,
        blank=True,
        help_text=_("A PNG or JPEG of the signature on a white or transparent background."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Signatories are printed from left to right.")
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active signatories sign new certificates.")
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self):
        return f"{self.name}, {self.title}"


class SerialCounter(models.Model):
    """The last serial number issued in a year. Issuing locks this row, so serials run
    1, 2, 3… in a year without gaps however many certificates are issued at once."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class Certificate(models.Model):
    """The certificate of one completed enrolment.

    One *current* certificate per enrolment (valid or revoked); a re-issue marks the previous
    one superseded and points it to its successor, so the history stays.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    serial = models.CharField(_("serial"), max_length=20, unique=True)
    verification_code = models.CharField(
        _("verification code"), max_length=40, unique=True, default=new_verification_code
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.VALID
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the completion issued it by itself."),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("superseded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
    )
    pdf = models.FileField(_("PDF"), upload_to=_pdf_path, blank=True, max_length=200)
    # Indexed: a PDF uploaded for checking on /verify/ is found by its hash alone.
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True, db_index=True)

    # What the certificate prints, as it was when issued.
    officer_name = models.CharField(_("officer's name"), max_length=150)
    course_code = models.CharField(_("course code"), max_length=20)
    course_title = models.CharField(_("course title"), max_length=200)
    skill_area = models.CharField(_("skill area"), max_length=100)
    competencies = models.JSONField(_("competencies"), default=list, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    cpd_hours = models.PositiveSmallIntegerField(_("CPD hours"))
    provider = models.CharField(_("provider"), max_length=200)
    cohort_code = models.CharField(_("cohort"), max_length=30)
    cohort_starts_on = models.DateField(_("cohort starts on"))
    cohort_ends_on = models.DateField(_("cohort ends on"))
    campus = models.CharField(
        _("campus"), max_length=100, blank=True, help_text=_("Empty: online.")
    )
    signatories = models.JSONField(
        _("signatories"), default=list, blank=True, help_text=_("Name and title of each signer.")
    )
    # What the Open Badges credential says beyond the printed page, as it was when issued: the
    # course's summary and completion rule, the addresses of its skill area and competencies,
    # and the salted hash of the officer's e-mail (never the address itself).
    badge_facts = models.JSONField(_("Open Badges facts"), default=dict, blank=True)
    badge_jwt = models.TextField(
        _("signed Open Badges credential"),
        blank=True,
        help_text=_("The VC-JWT made when the PDF was printed, and attached inside it."),
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # "One certificate per completion": a second issue for the same enrolment fails here
            # even if two workers race past the service's check. Superseded ones are history.
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=~models.Q(status="superseded"),
                name="certificate_one_current_per_enrollment",
            ),
            models.CheckConstraint(
                condition=models.Q(serial__regex=r"^KSG-[0-9]{4}-[0-9]{6}$"),
                name="certificate_serial_format",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status="revoked", revoked_at__isnull=False)
                    | (~models.Q(status="revoked") & models.Q(revoked_at__isnull=True))
                )
                | models.Q(status="superseded"),
                name="certificate_revoked_at_when_revoked",
            ),
        ]

    def __str__(self):
        return f"{self.serial} {self.officer_name}: {self.course_code}"

    @property
    def is_rendered(self) -> bool:
        return bool(self.pdf)

    @property
    def level_label(self) -> str:
        return Level(self.level).label

    @property
    def is_online(self) -> bool:
        return not self.campus


class CertificateRun(models.Model):
    """Staff issuing (or re-issuing) the certificates of a whole cohort at once, in the
    background, with its progress.

    The enrolments are fixed when the run starts, so its progress is ``done`` of ``total`` and a
    worker that takes over a run it finds interrupted resumes where it stopped. One unfinished
    run per cohort, enforced in the database: asking twice while one runs gets the same run.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    class Mode(models.TextChoices):
        ISSUE = "issue", _("Issue the missing certificates")
        REISSUE = "reissue", _("Re-issue every certificate")

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="+"
    )
    mode = models.CharField(_("what"), max_length=10, choices=Mode.choices)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    enrollment_ids = models.JSONField(_("enrolments"), default=list)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    refused = models.PositiveIntegerField(_("skipped"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    updated_at = models.DateTimeField(_("last progress"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("certificate run")
        verbose_name_plural = _("certificate runs")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort"],
                condition=models.Q(status__in=["queued", "running"]),
                name="certificate_run_one_unfinished_per_cohort",
            ),
        ]

    def __str__(self):
        return f"{self.mode} {self.cohort_id}: {self.done}/{self.total}"

    @property
    def finished(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

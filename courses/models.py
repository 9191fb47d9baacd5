import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from academy.models import County, JobGroup, Organisation


class SkillArea(models.Model):
    """One of the three domains of UNESCO's digital competency framework for civil servants."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_sw = models.CharField(_("name in Kiswahili"), max_length=100, blank=True)
    # Other names the same domain goes by, e.g. "Digital Management and Delivery" in Kenyan
    # reporting. Searching by an alias finds the domain.
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    summary = models.TextField(_("summary"))
    summary_sw = models.TextField(_("summary in Kiswahili"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("skill area")
        verbose_name_plural = _("skill areas")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("courses:skill_area", kwargs={"slug": self.slug})

    @property
    def local_name(self):
        """The name in the active language: Kiswahili when it is active and given, else English."""
        return self.name_sw if self.name_sw and _kiswahili_active() else self.name

    @property
    def local_summary(self):
        """The summary in the active language, falling back to English as ``local_name`` does."""
        return self.summary_sw if self.summary_sw and _kiswahili_active() else self.summary


def _kiswahili_active() -> bool:
    return (get_language() or "").split("-")[0] == "sw"


class Competency(models.Model):
    skill_area = models.ForeignKey(
        SkillArea,
        verbose_name=_("skill area"),
        on_delete=models.PROTECT,
        related_name="competencies",
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["skill_area__position", "name"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        constraints = [
            models.UniqueConstraint(fields=["skill_area", "name"], name="competency_unique_name")
        ]

    def __str__(self):
        return self.name


class Level(models.TextChoices):
    """Proficiency levels, in order."""

    FOUNDATION = "foundation", _("Foundation")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class DeliveryMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class Campus(models.Model):
    """A KSG campus where cohorts meet."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    county = models.ForeignKey(County, verbose_name=_("county"), on_delete=models.PROTECT)

    class Meta:
        ordering = ["name"]
        verbose_name = _("campus")
        verbose_name_plural = _("campuses")

    def __str__(self):
        return self.name


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Course(models.Model):
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Short unique code, e.g. DPD-101. Used in the course's address."),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"))
    skill_area = models.ForeignKey(
        SkillArea, verbose_name=_("skill area"), on_delete=models.PROTECT, related_name="courses"
    )
    competencies = models.ManyToManyField(
        Competency, verbose_name=_("competencies"), related_name="courses", blank=True
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    audience_min_job_group = models.CharField(
        _("lowest job group"), max_length=1, choices=JobGroup.choices, default=JobGroup.A
    )
    audience_max_job_group = models.CharField(
        _("highest job group"), max_length=1, choices=JobGroup.choices, default=JobGroup.T
    )
    audience_note = models.CharField(
        _("audience"),
        max_length=200,
        blank=True,
        help_text=_("Who the course is for, in a sentence (e.g. 'ICT officers and their heads')."),
    )
    delivery_mode = models.CharField(
        _("delivery mode"), max_length=20, choices=DeliveryMode.choices
    )
    duration_days = models.PositiveSmallIntegerField(
        _("duration (days)"), validators=[MinValueValidator(1)]
    )
    cpd_hours = models.PositiveSmallIntegerField(_("CPD hours"))
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="courses_provided",
        limit_choices_to={"kind__in": [Organisation.Kind.ACADEMY, Organisation.Kind.PARTNER]},
    )
    language = models.CharField(
        _("language of instruction"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    prerequisites = models.ManyToManyField(
        "self",
        verbose_name=_("prerequisites"),
        symmetrical=False,
        related_name="required_for",
        blank=True,
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=80,
        validators=[MaxValueValidator(100)],
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Leave empty when the course has no assessment."),
    )
    requires_approval = models.BooleanField(
        _("enrolment needs approval"),
        default=False,
        help_text=_("The officer's training officer approves each request."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    # The weighted text-search document of the course. PostgreSQL computes it (triggers of
    # migration 0002) from the course's texts, competencies and skill area; elsewhere it stays
    # empty and the catalogue searches another way. Never set it from Python.
    search_document = SearchVectorField(_("search document"), null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [
            models.Index(fields=["skill_area", "level"]),
            # The catalogue's default listing and its count read only this index.
            models.Index(
                fields=["title", "code"],
                condition=models.Q(is_published=True),
                name="course_published_by_title",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("courses:course_detail", kwargs={"code": self.code})

    def clean(self):
        if JobGroup.rank(self.audience_min_job_group) > JobGroup.rank(self.audience_max_job_group):
            raise ValidationError(
                {"audience_max_job_group": _("The highest job group is below the lowest.")}
            )

    @property
    def audience_label(self):
        if self.audience_min_job_group == JobGroup.A and self.audience_max_job_group == JobGroup.T:
            return _("All job groups")
        if self.audience_min_job_group == self.audience_max_job_group:
            return _("Job group %(group)s") % {"group": self.audience_min_job_group}
        return _("Job groups %(low)s to %(high)s") % {
            "low": self.audience_min_job_group,
            "high": self.audience_max_job_group,
        }


class Cohort(models.Model):
    """One run of a course: its dates, place, seats and enrolment window."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="cohorts"
    )
    code = models.CharField(_("code"), max_length=30, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    campus = models.ForeignKey(
        Campus,
        verbose_name=_("campus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts",
        help_text=_("Leave empty for a cohort that meets online."),
    )
    capacity = models.PositiveIntegerField(_("capacity"), validators=[MinValueValidator(1)])
    enrolment_opens_on = models.DateField(_("enrolment opens on"))
    enrolment_closes_on = models.DateField(_("enrolment closes on"))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        related_name="facilitated_cohorts",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["starts_on", "code"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        indexes = [
            models.Index(fields=["course", "status", "starts_on"]),
            models.Index(fields=["starts_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(enrolment_closes_on__gte=models.F("enrolment_opens_on")),
                name="cohort_enrolment_window_ordered",
            ),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A cohort can't end before it starts.")
        if (
            self.enrolment_opens_on
            and self.enrolment_closes_on
            and self.enrolment_closes_on < self.enrolment_opens_on
        ):
            errors["enrolment_closes_on"] = _("Enrolment can't close before it opens.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_online(self):
        return self.campus_id is None

    def session_days(self) -> list[datetime.date]:
        """The days the cohort meets: its weekdays from start to end (every day when it runs
        only over a weekend), on which attendance is taken."""
        days = [
            self.starts_on + datetime.timedelta(days=n)
            for n in range((self.ends_on - self.starts_on).days + 1)
        ]
        weekdays = [day for day in days if day.weekday() < 5]
        return weekdays or days

    @property
    def seats_left(self):
        """Seats not taken yet, never below zero.

        Needs the ``seats_taken`` annotation of ``courses.selectors.with_seats``: counting here
        would cost a query per cohort.
        """
        return max(self.capacity - self.seats_taken, 0)

"""Partners of the academy and their agreements with the public service.

A ``Partner`` is the organisation of the tree (kind partner) that its reviewers act for, with
what the academy keeps about it. An ``Agreement`` (MoU, letter of intent, addendum) has parties
and their signatories, obligations of each party and deliverables under them, KPIs, documents
and a status that moves through a lifecycle (``partners.services``). Every change goes through
a service and leaves an audit event.
"""

import calendar
import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.models import JobGroup, Organisation
from courses.models import Cohort, Course, SkillArea
from enrollments.models import OutgoingEmail


class Partner(models.Model):
    """An organisation KSG or the public service works with under agreements."""

    class Kind(models.TextChoices):
        PRIVATE_COMPANY = "private_company", _("Private company")
        GOVERNMENT = "government", _("Government")
        DEVELOPMENT_AGENCY = "development_agency", _("Development agency")
        ACADEMIC = "academic", _("Academic institution")
        NGO = "ngo", _("Non-governmental organisation")

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partner",
        help_text=_("The partner in the organisation tree: its reviewers are members of it."),
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=80, default="Kenya")
    contacts = models.TextField(_("contacts"), blank=True, help_text=_("Address, telephone."))
    website = models.URLField(_("website"), blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Made up for the demonstration site.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.legal_name


class FocalPoint(models.Model):
    """A person of the partner whom the academy writes to about its agreements."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="focal_points"
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("telephone"), max_length=40, blank=True)

    class Meta:
        ordering = ["partner", "name"]
        verbose_name = _("focal point")
        verbose_name_plural = _("focal points")
        constraints = [
            models.UniqueConstraint(fields=["partner", "email"], name="focal_point_unique_email")
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class Agreement(models.Model):
    """An MoU, letter of intent or addendum, from its first draft to its end."""

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding")
        LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
        ADDENDUM = "addendum", _("Addendum")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NEGOTIATION = "negotiation", _("In negotiation")
        LEGAL_REVIEW = "legal_review", _("Legal review")
        AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting signature")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        RENEWED = "renewed", _("Renewed")
        TERMINATED = "terminated", _("Terminated")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        HALF_YEARLY = "half_yearly", _("Every six months")
        YEARLY = "yearly", _("Yearly")

    # Statuses before the agreement binds anyone: its terms may still change freely.
    OPEN_STATUSES = (
        Status.DRAFT,
        Status.NEGOTIATION,
        Status.LEGAL_REVIEW,
        Status.AWAITING_SIGNATURE,
    )
    # Statuses an agreement ends in.
    FINAL_STATUSES = (Status.EXPIRED, Status.RENEWED, Status.TERMINATED)

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="agreements"
    )
    reference = models.CharField(_("reference number"), max_length=60, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=250)
    purpose = models.TextField(_("purpose"), blank=True)
    areas_of_cooperation = models.TextField(
        _("areas of cooperation"), blank=True, help_text=_("One area per line.")
    )
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        help_text=_("For an addendum: the agreement it amends."),
    )
    renewal_of = models.ForeignKey(
        "self",
        verbose_name=_("renewal of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        help_text=_("The agreement this one renews; it is marked renewed when this one starts."),
    )
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"),
        null=True,
        blank=True,
        help_text=_("When no end date is set, the end is the effective date plus the term."),
    )
    auto_renews = models.BooleanField(
        _("renews automatically"),
        default=False,
        help_text=_("At its end, the agreement runs for another term unless notice was given."),
    )
    notice_period_days = models.PositiveSmallIntegerField(
        _("notice period (days)"), null=True, blank=True
    )
    is_binding = models.BooleanField(_("legally binding"), default=False)
    confidentiality_clause = models.TextField(_("confidentiality clause"), blank=True)
    ip_clause = models.TextField(_("intellectual property clause"), blank=True)
    data_protection_clause = models.TextField(_("data protection clause"), blank=True)
    reporting_frequency = models.CharField(
        _("reporting frequency"), max_length=20, choices=Frequency.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    status_reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why it was last terminated or sent back.")
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Made up for the demonstration site.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-effective_on", "reference"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [models.Index(fields=["status", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(effective_on__isnull=True)
                | models.Q(ends_on__gte=models.F("effective_on")),
                name="agreement_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="addendum") | models.Q(amends__isnull=False),
                name="agreement_addendum_amends_one",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def end_date(self):
        """The last day of the agreement: its end date, or the effective date plus the term."""
        if self.ends_on or not (self.effective_on and self.term_months):
            return self.ends_on
        return add_months(self.effective_on, self.term_months)

    def areas(self) -> list[str]:
        return [line.strip() for line in self.areas_of_cooperation.splitlines() if line.strip()]


def add_months(day, months: int):
    """``day`` plus ``months``, on the last day of a shorter month (31 Jan + 1 = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class AgreementParty(models.Model):
    """A party to an agreement and who signs for it."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="parties"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    signatory_name = models.CharField(_("signatory"), max_length=150, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=150, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="agreement_party_once"
            ),
            # A signature names who signed.
            models.CheckConstraint(
                condition=models.Q(signed_on__isnull=True) | ~models.Q(signatory_name=""),
                name="agreement_party_signature_named",
            ),
        ]

    def __str__(self):
        return str(self.organisation)

    @property
    def signed(self) -> bool:
        return self.signed_on is not None


class Obligation(models.Model):
    """What one party undertakes under an agreement."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    party = models.ForeignKey(
        AgreementParty,
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    description = models.TextField(_("description"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["agreement", "pk"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")

    def __str__(self):
        return self.description[:80]


class Deliverable(models.Model):
    """Something due under an obligation, reviewed by the other side."""

    class Kind(models.TextChoices):
        TRAINING_COHORT = "training_cohort", _("Training cohort")
        COURSE_CONTENT = "course_content", _("Course content")
        TRAINERS = "trainers", _("Trainers")
        EQUIPMENT = "equipment", _("Equipment")
        REPORT = "report", _("Report")
        EVENT = "event", _("Event")

    class ReviewState(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        ACCEPTED = "accepted", _("Accepted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    obligation = models.ForeignKey(
        Obligation,
        verbose_name=_("obligation"),
        on_delete=models.PROTECT,
        related_name="deliverables",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible = models.ForeignKey(
        AgreementParty,
        verbose_name=_("responsible party"),
        on_delete=models.PROTECT,
        related_name="deliverables",
    )
    due_on = models.DateField(_("due date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    courses = models.ManyToManyField(
        Course, verbose_name=_("courses"), blank=True, related_name="partner_deliverables"
    )
    cohorts = models.ManyToManyField(
        Cohort, verbose_name=_("cohorts"), blank=True, related_name="partner_deliverables"
    )
    review_state = models.CharField(
        _("review state"),
        max_length=20,
        choices=ReviewState.choices,
        default=ReviewState.NOT_STARTED,
    )
    review_state_changed_at = models.DateTimeField(_("review state changed"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        indexes = [models.Index(fields=["review_state", "due_on"])]

    def __str__(self):
        return self.title

    def is_overdue(self, today) -> bool:
        """Due before ``today`` and not accepted yet."""
        return self.due_on < today and self.review_state != self.ReviewState.ACCEPTED


class Review(models.Model):
    """One entry of a deliverable's thread: a comment, or a decision with its comment."""

    class Decision(models.TextChoices):
        COMMENT = "comment", _("Comment")
        SUBMITTED = "submitted", _("Submitted")
        REVIEW_STARTED = "review_started", _("Review started")
        ACCEPTED = "accepted", _("Accepted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return f"{self.get_decision_display()} by {self.author}"


class Kpi(models.Model):
    """A key performance indicator of an agreement: target against actual.

    A training KPI counts the officers who completed one of its courses (or a course of its
    skill area) in a cohort that ended within the agreement's term, optionally only from a job
    group up; any other KPI takes a result entered by staff, with evidence.
    """

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training (computed from completions)")
        MANUAL = "manual", _("Other (result entered with evidence)")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="kpis"
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, default="officers")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    period = models.CharField(
        _("period"), max_length=60, blank=True, help_text=_("E.g. the agreement's term, 2026.")
    )
    courses = models.ManyToManyField(
        Course, verbose_name=_("courses"), blank=True, related_name="partner_kpis"
    )
    skill_area = models.ForeignKey(
        SkillArea,
        verbose_name=_("skill area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Training KPIs: count completions of any course of this skill area too."),
    )
    min_job_group = models.CharField(
        _("from job group"),
        max_length=1,
        choices=JobGroup.choices,
        blank=True,
        help_text=_("Training KPIs: count only officers of this job group and above."),
    )
    manual_actual = models.DecimalField(
        _("result"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    manual_actual_note = models.TextField(_("about the result"), blank=True)
    manual_actual_at = models.DateTimeField(_("result entered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["agreement", "pk"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.CheckConstraint(condition=models.Q(target__gt=0), name="kpi_target_positive"),
            models.CheckConstraint(
                condition=models.Q(kind="training") | models.Q(min_job_group=""),
                name="kpi_job_group_only_for_training",
            ),
        ]

    def __str__(self):
        return self.name


def _document_path(document, filename: str) -> str:
    """A random name: the uploader's name is kept only as ``original_name``. ``services``
    passes a name made of the checked format's extension alone."""
    extension = os.path.splitext(filename)[1].lower()
    if not extension[1:].isalnum():
        extension = ""
    return f"partners/{uuid.uuid4().hex}{extension}"


class Document(models.Model):
    """An uploaded file: a signed agreement, evidence of a deliverable or KPI, a logo.

    Stored under a random name; served only through ``partners.views.document_download`` to
    whoever may see its partner, as a download.
    """

    class Kind(models.TextChoices):
        SIGNED_AGREEMENT = "signed_agreement", _("Signed agreement")
        EVIDENCE = "evidence", _("Evidence")
        REPORT = "report", _("Report")
        LOGO = "logo", _("Logo")
        OTHER = "other", _("Other")

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="documents"
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    kpi = models.ForeignKey(
        Kpi,
        verbose_name=_("KPI"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.original_name


class PartnerReminder(OutgoingEmail):
    """A reminder about an agreement or deliverable, written as a row before it is sent
    (``enrollments.outbox``). The unique ``key`` makes scheduling idempotent."""

    class Kind(models.TextChoices):
        DELIVERABLE_DUE_14_DAYS = "deliverable_due_14", _("Deliverable due in 14 days")
        DELIVERABLE_DUE_7_DAYS = "deliverable_due_7", _("Deliverable due in 7 days")
        DELIVERABLE_DUE_1_DAY = "deliverable_due_1", _("Deliverable due tomorrow")
        DELIVERABLE_OVERDUE = "deliverable_overdue", _("Deliverable overdue")
        AGREEMENT_ENDS_90_DAYS = "agreement_ends_90", _("Agreement ends in 90 days")
        AGREEMENT_ENDS_30_DAYS = "agreement_ends_30", _("Agreement ends in 30 days")
        REVIEW_PENDING = "review_pending", _("Review pending for 5 days")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    # A portal account, or a partner's focal point who has none.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="partner_reminders",
    )
    email = models.EmailField(_("e-mail address"))
    key = models.CharField(_("key"), max_length=160, unique=True)

    class Meta:
        verbose_name = _("partner reminder")
        verbose_name_plural = _("partner reminders")
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self):
        return self.key

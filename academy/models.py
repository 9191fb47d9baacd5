from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. The e-mail address is the login; roles come from memberships."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("Whether the user can sign in to the administration site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class County(models.Model):
    """One of the 47 counties of the Constitution's First Schedule."""

    code = models.PositiveSmallIntegerField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self):
        return self.name


class Organisation(MP_Node):
    """A node of the public service's organisation tree (ministry → state department → …)."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        STATE_DEPARTMENT = "state_department", _("State department")
        DIRECTORATE = "directorate", _("Directorate")
        COUNTY = "county", _("County government")
        AGENCY = "agency", _("Agency")
        ACADEMY = "academy", _("Kenya School of Government")
        PARTNER = "partner", _("Partner")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("For county governments: the county they govern."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class JobGroup(models.TextChoices):
    """Public Service Commission job groups, A (lowest) to T (highest); I and O are not used."""

    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    E = "E", "E"
    F = "F", "F"
    G = "G", "G"
    H = "H", "H"
    J = "J", "J"
    K = "K", "K"
    L = "L", "L"
    M = "M", "M"
    N = "N", "N"
    P = "P", "P"
    Q = "Q", "Q"
    R = "R", "R"
    S = "S", "S"
    T = "T", "T"

    @classmethod
    def rank(cls, value):
        """Position of a job group in the grading (0 for A): compare grades with this."""
        try:
            return _JOB_GROUP_RANKS[value]
        except KeyError:
            raise ValueError(f"{value!r} is not a job group") from None


# Ranks looked up rather than searched for: enrolment compares three of them each time.
_JOB_GROUP_RANKS = {group: rank for rank, group in enumerate(JobGroup.values)}


class OfficerProfile(models.Model):
    """What the academy needs to know about a public servant, and no more."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        INTERSEX = "intersex", _("Intersex")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="officer_profile",
    )
    personal_number = models.CharField(
        _("personal number"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[0-9A-Z/-]{4,20}$",
                _("Use 4 to 20 digits or capital letters (slashes and hyphens are allowed)."),
            )
        ],
        help_text=_("Your payroll personal number, as on your payslip."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="officers",
    )
    job_group = models.CharField(_("job group"), max_length=1, choices=JobGroup.choices)
    designation = models.CharField(_("designation"), max_length=120)
    duty_station = models.ForeignKey(
        County,
        verbose_name=_("duty station"),
        on_delete=models.PROTECT,
        related_name="officers",
    )
    # Optional, and visible only to the officer, their training officer and KSG staff.
    national_id = models.CharField(_("national ID number"), max_length=20, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("officer profile")
        verbose_name_plural = _("officer profiles")

    def __str__(self):
        return f"{self.user} ({self.personal_number})"


class Membership(models.Model):
    """A role held by a user; roles other than officer are granted, never self-chosen."""

    class Role(models.TextChoices):
        TRAINING_OFFICER = "training_officer", _("Training officer")
        KSG_STAFF = "ksg_staff", _("KSG staff")
        FACILITATOR = "facilitator", _("Facilitator")
        PARTNER_REVIEWER = "partner_reviewer", _("Partner reviewer")

    # Roles that act for one organisation; the others are academy-wide.
    SCOPED_ROLES = (Role.TRAINING_OFFICER, Role.PARTNER_REVIEWER)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="membership_unique_role_per_org"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(organisation__isnull=True),
                name="membership_unique_global_role",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=["training_officer", "partner_reviewer"])
                    & models.Q(organisation__isnull=False)
                )
                | models.Q(role__in=["ksg_staff", "facilitator"]),
                name="membership_scoped_role_has_organisation",
            ),
        ]

    def __str__(self):
        if self.organisation_id:
            return f"{self.user} — {self.get_role_display()} ({self.organisation})"
        return f"{self.user} — {self.get_role_display()}"


class AuditEvent(models.Model):
    """Who did what to which object, and when. Rows are written once and never updated."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100)
    # Indexed with target_id below; an index of its own would only cost every event a write.
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # A plain index: db_index on a CharField would add a second one for LIKE 'prefix%'
            # on PostgreSQL, which nothing asks.
            models.Index(fields=["action"], name="auditevent_action"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are never updated.")
        super().save(*args, **kwargs)

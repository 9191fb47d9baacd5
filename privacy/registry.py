"""What the portal holds about a person, model by model: the registry of the subject access
export (DPA 2019: the right of access).

Each ``Source`` names one model and the path from it to the person (``via``), and sorts every
one of the model's fields into ``fields`` (exported) or ``withheld`` (not exported, with the
reason). ``tests/privacy/test_registry.py`` walks ``apps.get_models()``: every relation to the
user model, to ``OfficerProfile`` and to ``Enrollment`` must be the first step of some source,
and every field of a registered model must be exported or withheld with a reason. So a new
model or field that refers to a person cannot be left out of the export by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Why a field is not exported.
SUBJECT = _("It is you: the row is listed because it refers to you.")
OTHER_PERSON = _("It identifies or describes another person.")
INTERNAL = _("Internal bookkeeping of the portal, not information about you.")
SECRET_PASSWORD = _("A secret: only a one-way hash of your password is kept, and never shown.")
SECRET_TOKEN = _("A secret: the API token itself works as a password, so only its date is shown.")
SECRET_MFA = _(
    "A secret: the TOTP seed and recovery codes would let anyone pass your second factor."
)
SECRET_SESSION = _("A secret: a session key works as a signed-in browser.")
SECRET_KEY = _("A secret: the confirmation key works as a link sent to you.")
NOT_ABOUT_YOU = _("It describes a course, cohort or report, not you.")


@dataclass(frozen=True)
class Source:
    """One model's rows about the person, and which of their fields are exported."""

    model: str  # "app_label.ModelName"
    via: str  # ORM path from the model to the person; "" when ``rows`` says
    title: Promise
    fields: tuple[str, ...]
    withheld: dict[str, Promise] = field(default_factory=dict)
    # A query of its own, for rows that refer to the person other than by a relation (audit
    # events about them, whose target is a generic foreign key).
    rows: Callable | None = None
    # Installed only in some deployments (allauth.usersessions): skipped where it isn't.
    optional_app: str = ""

    @property
    def key(self) -> str:
        return f"{self.model}:{self.via or 'about'}"

    def model_class(self):
        return apps.get_model(self.model)

    def is_active(self) -> bool:
        return not self.optional_app or apps.is_installed(self.optional_app)

    def queryset(self, user) -> QuerySet:
        if self.rows is not None:
            return self.rows(user)
        model = self.model_class()
        return model._default_manager.filter(**{self.via: user.pk}).order_by("pk")


def _audit_about(user) -> QuerySet:
    """Audit events whose target is the person, their profile, enrolments, certificates or
    erasure requests (events they caused are a source of their own)."""
    from django.contrib.contenttypes.models import ContentType

    from academy.models import AuditEvent, OfficerProfile
    from certificates.models import Certificate
    from enrollments.models import Enrollment
    from privacy.models import ErasureRequest

    targets = Q(target_type=ContentType.objects.get_for_model(user), target_id=str(user.pk))
    for model, ids in (
        (OfficerProfile, OfficerProfile.objects.filter(user=user)),
        (Enrollment, Enrollment.objects.filter(officer=user)),
        (Certificate, Certificate.objects.filter(enrollment__officer=user)),
        (ErasureRequest, ErasureRequest.objects.filter(user=user)),
    ):
        keys = [str(pk) for pk in ids.values_list("pk", flat=True)]
        if keys:
            targets |= Q(target_type=ContentType.objects.get_for_model(model), target_id__in=keys)
    return AuditEvent.objects.filter(targets).order_by("created_at", "pk")


_OUTBOX = ("status", "attempts", "created_at", "sent_at")
_OUTBOX_WITHHELD = {"last_error": INTERNAL}

_ENROLLMENT_OTHERS = {
    "officer": OTHER_PERSON,
    "reason": OTHER_PERSON,
    "waitlist_position": OTHER_PERSON,
    "quota": OTHER_PERSON,
    "score": OTHER_PERSON,
    "result_overridden": OTHER_PERSON,
    "result_recorded_at": OTHER_PERSON,
    "result_recorded_by": OTHER_PERSON,
    "created_by": OTHER_PERSON,
    "withdrawn_by": OTHER_PERSON,
    "state_changed_at": OTHER_PERSON,
    "updated_at": INTERNAL,
}

SOURCES: tuple[Source, ...] = (
    Source(
        "academy.User",
        "pk",
        _("Your account"),
        fields=(
            "email",
            "full_name",
            "preferred_language",
            "is_active",
            "is_staff",
            "is_superuser",
            "date_joined",
            "last_login",
            "groups",
            "user_permissions",
        ),
        withheld={"id": INTERNAL, "password": SECRET_PASSWORD},
    ),
    Source(
        "academy.OfficerProfile",
        "user",
        _("Your officer profile"),
        fields=(
            "personal_number",
            "organisation",
            "job_group",
            "designation",
            "duty_station",
            "national_id",
            "gender",
            "created_at",
            "updated_at",
        ),
        withheld={"id": INTERNAL, "user": SUBJECT},
    ),
    Source(
        "academy.Membership",
        "user",
        _("Your roles"),
        fields=("role", "organisation", "granted_by", "created_at"),
        withheld={"id": INTERNAL, "user": SUBJECT},
    ),
    Source(
        "academy.Membership",
        "granted_by",
        _("Roles you granted"),
        fields=("role", "organisation", "created_at"),
        withheld={"id": INTERNAL, "user": OTHER_PERSON, "granted_by": SUBJECT},
    ),
    Source(
        "academy.AuditEvent",
        "actor",
        _("Actions you took (audit trail)"),
        fields=("action", "target_type", "created_at"),
        withheld={
            "id": INTERNAL,
            "actor": SUBJECT,
            "target_id": OTHER_PERSON,
            "data": OTHER_PERSON,
        },
    ),
    Source(
        "academy.AuditEvent",
        "",
        _("Actions about you (audit trail)"),
        fields=("action", "actor", "target_type", "data", "created_at"),
        withheld={"id": INTERNAL, "target_id": INTERNAL},
        rows=_audit_about,
    ),
    Source(
        "admin.LogEntry",
        "user",
        _("Changes you made in the administration site"),
        fields=("action_time", "content_type", "action_flag"),
        withheld={
            "id": INTERNAL,
            "user": SUBJECT,
            "object_id": OTHER_PERSON,
            "object_repr": OTHER_PERSON,
            "change_message": OTHER_PERSON,
        },
    ),
    Source(
        "account.EmailAddress",
        "user",
        _("Your e-mail addresses"),
        fields=("email", "verified", "primary"),
        withheld={"id": INTERNAL, "user": SUBJECT},
    ),
    Source(
        "account.EmailConfirmation",
        "email_address__user",
        _("E-mail confirmations sent to you"),
        fields=("created", "sent"),
        withheld={"id": INTERNAL, "email_address": SUBJECT, "key": SECRET_KEY},
    ),
    Source(
        "mfa.Authenticator",
        "user",
        _("Your second factors (two-factor authentication)"),
        fields=("type", "created_at", "last_used_at"),
        withheld={"id": INTERNAL, "user": SUBJECT, "data": SECRET_MFA},
    ),
    Source(
        "authtoken.Token",
        "user",
        _("Your API token"),
        fields=("created",),
        withheld={"key": SECRET_TOKEN, "user": SUBJECT},
    ),
    Source(
        "usersessions.UserSession",
        "user",
        _("Your signed-in sessions"),
        fields=("created_at", "ip", "last_seen_at", "user_agent"),
        withheld={
            "id": INTERNAL,
            "user": SUBJECT,
            "session_key": SECRET_SESSION,
            "data": INTERNAL,
        },
        optional_app="allauth.usersessions",
    ),
    Source(
        "courses.Cohort",
        "facilitators",
        _("Cohorts you facilitate"),
        fields=("code", "course", "starts_on", "ends_on", "campus"),
        withheld={
            "id": INTERNAL,
            "facilitators": OTHER_PERSON,
            "capacity": NOT_ABOUT_YOU,
            "enrolment_opens_on": NOT_ABOUT_YOU,
            "enrolment_closes_on": NOT_ABOUT_YOU,
            "status": NOT_ABOUT_YOU,
            "created_at": NOT_ABOUT_YOU,
            "updated_at": NOT_ABOUT_YOU,
        },
    ),
    Source(
        "enrollments.Enrollment",
        "officer",
        _("Your enrolments and results"),
        fields=(
            "cohort",
            "course",
            "state",
            "waitlist_position",
            "reason",
            "created_by",
            "withdrawn_by",
            "state_changed_at",
            "quota",
            "score",
            "result_recorded_at",
            "result_recorded_by",
            "result_overridden",
            "created_at",
            "updated_at",
        ),
        withheld={"id": INTERNAL, "officer": SUBJECT},
    ),
    *(
        Source(
            "enrollments.Enrollment",
            via,
            title,
            fields=("cohort", "course", "state", "created_at"),
            withheld={
                "id": INTERNAL,
                **{k: v for k, v in _ENROLLMENT_OTHERS.items() if k != via},
                via: SUBJECT,
            },
        )
        for via, title in (
            ("created_by", _("Enrolments you made or asked for")),
            ("withdrawn_by", _("Enrolments you withdrew")),
            ("result_recorded_by", _("Results you recorded")),
        )
    ),
    Source(
        "enrollments.Attendance",
        "enrollment__officer",
        _("Your attendance"),
        fields=("enrollment", "day", "present", "recorded_by", "recorded_at"),
        withheld={"id": INTERNAL},
    ),
    Source(
        "enrollments.Attendance",
        "recorded_by",
        _("Attendance you recorded"),
        fields=("day", "present", "recorded_at"),
        withheld={"id": INTERNAL, "enrollment": OTHER_PERSON, "recorded_by": SUBJECT},
    ),
    Source(
        "enrollments.Reminder",
        "recipient",
        _("Reminders e-mailed to you"),
        fields=("kind", "cohort", *_OUTBOX),
        withheld={
            "id": INTERNAL,
            "recipient": SUBJECT,
            "key": INTERNAL,
            # A training officer's reminder about an officer's request names that officer.
            "enrollment": OTHER_PERSON,
            **_OUTBOX_WITHHELD,
        },
    ),
    Source(
        "enrollments.Reminder",
        "enrollment__officer",
        _("Reminders about your enrolments"),
        fields=("kind", "cohort", *_OUTBOX),
        withheld={
            "id": INTERNAL,
            "recipient": OTHER_PERSON,
            "key": INTERNAL,
            "enrollment": SUBJECT,
            **_OUTBOX_WITHHELD,
        },
    ),
    Source(
        "enrollments.Notification",
        "enrollment__officer",
        _("E-mails about your enrolments and certificates"),
        fields=("kind", "enrollment", "waitlist_position", "data", *_OUTBOX),
        withheld={"id": INTERNAL, **_OUTBOX_WITHHELD},
    ),
    Source(
        "certificates.Certificate",
        "enrollment__officer",
        _("Your certificates"),
        fields=(
            "serial",
            "status",
            "issued_at",
            "revoked_at",
            "revoked_reason",
            "officer_name",
            "course_code",
            "course_title",
            "skill_area",
            "competencies",
            "level",
            "cpd_hours",
            "provider",
            "cohort_code",
            "cohort_starts_on",
            "cohort_ends_on",
            "campus",
            "pdf_sha256",
        ),
        withheld={
            "id": INTERNAL,
            "enrollment": SUBJECT,
            "verification_code": _(
                "Shown on your certificate page instead: it is the key to the public "
                "verification page."
            ),
            "issued_by": OTHER_PERSON,
            "superseded_by": INTERNAL,
            "pdf": _("The file itself: download it from your learning page."),
            "signatories": NOT_ABOUT_YOU,
            "badge_facts": _("Copied from the course; your e-mail only as a salted hash."),
            "badge_jwt": _("The signed credential: download it from your learning page."),
        },
    ),
    Source(
        "certificates.Certificate",
        "issued_by",
        _("Certificates you issued"),
        fields=("serial", "status", "issued_at", "course_code"),
        withheld={
            "id": INTERNAL,
            "enrollment": OTHER_PERSON,
            "verification_code": OTHER_PERSON,
            "issued_by": SUBJECT,
            "revoked_at": OTHER_PERSON,
            "revoked_reason": OTHER_PERSON,
            "superseded_by": OTHER_PERSON,
            "pdf": OTHER_PERSON,
            "pdf_sha256": OTHER_PERSON,
            "officer_name": OTHER_PERSON,
            "course_title": NOT_ABOUT_YOU,
            "skill_area": NOT_ABOUT_YOU,
            "competencies": NOT_ABOUT_YOU,
            "level": NOT_ABOUT_YOU,
            "cpd_hours": NOT_ABOUT_YOU,
            "provider": NOT_ABOUT_YOU,
            "cohort_code": NOT_ABOUT_YOU,
            "cohort_starts_on": NOT_ABOUT_YOU,
            "cohort_ends_on": NOT_ABOUT_YOU,
            "campus": NOT_ABOUT_YOU,
            "signatories": NOT_ABOUT_YOU,
            "badge_facts": OTHER_PERSON,
            "badge_jwt": OTHER_PERSON,
        },
    ),
    Source(
        "certificates.CertificateRun",
        "requested_by",
        _("Certificate runs you started"),
        fields=("cohort", "mode", "reason", "status", "total", "created_at", "finished_at"),
        withheld={
            "id": INTERNAL,
            "requested_by": SUBJECT,
            "enrollment_ids": OTHER_PERSON,
            "done": INTERNAL,
            "issued": INTERNAL,
            "refused": INTERNAL,
            "updated_at": INTERNAL,
        },
    ),
    Source(
        "partners.Review",
        "author",
        _("Reviews and comments you wrote on partners' deliverables"),
        fields=("deliverable", "decision", "comment", "created_at"),
        withheld={"id": INTERNAL, "author": SUBJECT},
    ),
    Source(
        "partners.Document",
        "uploaded_by",
        _("Documents you uploaded"),
        fields=("partner", "kind", "original_name", "content_type", "size", "uploaded_at"),
        withheld={
            "id": INTERNAL,
            "uploaded_by": SUBJECT,
            "agreement": NOT_ABOUT_YOU,
            "deliverable": NOT_ABOUT_YOU,
            "kpi": NOT_ABOUT_YOU,
            "file": _("The file itself: it is a partner's document, not about you."),
            "sha256": INTERNAL,
        },
    ),
    Source(
        "partners.PartnerReminder",
        "recipient",
        _("Partner reminders e-mailed to you"),
        fields=("kind", "agreement", "deliverable", "email", *_OUTBOX),
        withheld={"id": INTERNAL, "recipient": SUBJECT, "key": INTERNAL, **_OUTBOX_WITHHELD},
    ),
    Source(
        "reports.ReportRun",
        "requested_by",
        _("Reports you asked for"),
        fields=(
            "kind",
            "format",
            "organisation",
            "skill_area",
            "level",
            "date_from",
            "date_to",
            "status",
            "rows_total",
            "created_at",
            "finished_at",
            "expires_at",
        ),
        withheld={
            "id": INTERNAL,
            "requested_by": SUBJECT,
            "subscription": INTERNAL,
            "fingerprint": INTERNAL,
            "rows_done": INTERNAL,
            "file": OTHER_PERSON,
            "file_size": INTERNAL,
            "error": INTERNAL,
            "started_at": INTERNAL,
            "updated_at": INTERNAL,
        },
    ),
    Source(
        "reports.ReportSubscription",
        "owner",
        _("Your report subscriptions"),
        fields=(
            "kind",
            "format",
            "organisation",
            "skill_area",
            "level",
            "frequency",
            "is_active",
            "created_at",
        ),
        withheld={"id": INTERNAL, "owner": SUBJECT},
    ),
    Source(
        "reports.ReportEmail",
        "recipient",
        _("Report e-mails sent to you"),
        fields=("kind", *_OUTBOX),
        withheld={"id": INTERNAL, "recipient": SUBJECT, "run": INTERNAL, **_OUTBOX_WITHHELD},
    ),
    Source(
        "privacy.ErasureRequest",
        "user",
        _("Your erasure requests"),
        fields=("reason", "status", "created_at", "decided_at", "decision_reason"),
        withheld={"id": INTERNAL, "user": SUBJECT, "decided_by": OTHER_PERSON},
    ),
    Source(
        "privacy.ErasureRequest",
        "decided_by",
        _("Erasure requests you decided"),
        fields=("status", "created_at", "decided_at", "decision_reason"),
        withheld={
            "id": INTERNAL,
            "user": OTHER_PERSON,
            "reason": OTHER_PERSON,
            "decided_by": SUBJECT,
        },
    ),
)


def active_sources() -> list[Source]:
    """The sources of the apps installed here."""
    return [source for source in SOURCES if source.is_active()]

"""Mass assignment: every form and API body a user posts, sent with fields it does not offer
(``is_staff``, roles, organisation, status, capacity, owner, score, ids...), does what the good
fields ask and nothing more.

Each case posts a good payload with the extras on top (the good fields win where names meet, as
a form that offers ``organisation`` takes it), checks that the action happened, and that no
account gained staff, superuser, a role or a group, and no cohort, certificate, report or other
record moved that the action does not touch. A guard lists the forms and writable serializers
of the code base: a new one fails until it has a case here or a reason not to.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework import serializers

from academy.models import Membership, OfficerProfile, User
from certificates.models import Certificate
from courses.models import Cohort
from enrollments.models import Enrollment
from partners import services as partner_services
from partners.models import Deliverable, Review
from reports.models import ReportRun, ReportSubscription
from tests.academy.access_world import access_world_fixture, signed_in  # noqa: F401
from tests.courses.conftest import cohort
from tests.enrollments.conftest import make_officer
from tests.factories import CourseFactory

State = Enrollment.State


def extras(w) -> dict:
    """What an attacker adds: someone else's ids, an organisation of theirs, the top role."""
    other = w.users.otieno
    return {
        "is_staff": "true",
        "is_superuser": "true",
        "is_active": "true",
        "role": "ksg_staff",
        "roles": "ksg_staff",
        "groups": Group.objects.values_list("pk", flat=True).first() or 1,
        "user_permissions": 1,
        "organisation": other.officer_profile.organisation_id,
        "status": "ready",
        "state": "completed",
        "review_state": "accepted",
        "capacity": 999,
        "seats": 999,
        "user": other.pk,
        "owner": other.pk,
        "officer": other.pk,
        "author": other.pk,
        "requested_by": other.pk,
        "granted_by": other.pk,
        "created_by": other.pk,
        "score": 100,
        "result_overridden": "true",
        "waitlist_position": 1,
        "personal_number": "1999000001",
        "verification_code": "x" * 32,
        "serial": "KSG-2020-000001",
        "is_active_subscription": "false",
        "id": 999_999,
        "pk": 999_999,
    }


def protected() -> dict:
    """What no form or body of these may change, whatever it asks."""
    return {
        "users": sorted(User.objects.values_list("pk", "is_staff", "is_superuser", "is_active")),
        "memberships": sorted(
            Membership.objects.values_list("user_id", "role", "organisation_id", "granted_by_id")
        ),
        "groups": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "profiles": sorted(
            OfficerProfile.objects.values_list("user_id", "organisation_id", "personal_number")
        ),
        "cohorts": sorted(Cohort.objects.values_list("pk", "capacity", "status")),
        "certificates": sorted(
            Certificate.objects.values_list("pk", "enrollment_id", "status", "serial")
        ),
    }


@dataclass
class Case:
    id: str
    persona: str
    url: Callable[[SimpleNamespace], str]
    good: Callable[[SimpleNamespace], dict]
    done: Callable[[SimpleNamespace], None]  # asserts the action happened as asked, no more
    covers: tuple[str, ...]  # the forms and serializers it proves, as "module.Class"
    body: str = "form"  # or "json"
    setup: Callable[[SimpleNamespace], None] = lambda w: None
    # Fields of the profile that the form offers (their change is the action, not a leak).
    may_change: tuple[str, ...] = field(default=())


def _enrolment(w, officer, cohort_) -> Enrollment:
    return Enrollment.objects.get(officer=officer, cohort=cohort_)


def _new_cohort(w):
    """A cohort of a course nobody of the world is in yet."""
    course = CourseFactory(
        code="DPD-102", skill_area=w.area, audience_min_job_group="G", audience_max_job_group="T"
    )
    w.extra_cohort = cohort(course, starts_in=45, capacity=5, code="DPD-102-MA")


def _assert_enrolled(w, officer):
    enrollment = _enrolment(w, officer, w.extra_cohort)
    assert enrollment.state == State.ENROLLED
    assert enrollment.score is None and not enrollment.result_overridden
    assert enrollment.waitlist_position is None


def _assert_withdrawn(attr: str):
    def check(w):
        enrollment = getattr(w.enrolments, attr)
        enrollment.refresh_from_db()
        assert enrollment.state == State.WITHDRAWN
        assert enrollment.score is None
        assert enrollment.withdrawn_by == enrollment.officer

    return check


def _profile_payload(w, user, **changes) -> dict:
    profile = user.officer_profile
    return {
        "full_name": user.full_name,
        "organisation": profile.organisation_id,
        "job_group": profile.job_group,
        "designation": profile.designation,
        "duty_station": profile.duty_station_id,
        "gender": "",
        "national_id": "",
        "preferred_language": "en",
        **changes,
    }


def _signup(w) -> dict:
    profile = w.users.wanjiku.officer_profile
    return {
        "full_name": "Achieng Atieno",
        "email": "achieng@ict.go.ke",
        "password1": "Kisumu-Lakeside-2026!",
        "password2": "Kisumu-Lakeside-2026!",
        "personal_number": "2020123456",
        "organisation": profile.organisation_id,
        "job_group": "K",
        "designation": "ICT Officer II",
        "duty_station": profile.duty_station_id,
        "gender": "",
        "national_id": "",
    }


def _signed_up(w):
    user = User.objects.get(email="achieng@ict.go.ke")
    assert not user.is_staff and not user.is_superuser
    assert not Membership.objects.filter(user=user).exists()
    assert not user.groups.exists()
    profile = user.officer_profile
    assert profile.organisation == w.users.wanjiku.officer_profile.organisation
    assert profile.personal_number == "2020123456"


def _profile_saved(w):
    profile = OfficerProfile.objects.get(user=w.users.wanjiku)
    assert profile.designation == "Senior ICT Officer"
    assert profile.personal_number == "2019770001"


def _hr_profile_completed(w):
    profile = OfficerProfile.objects.get(user=w.users.hr_ict)
    assert profile.personal_number == "2018555001"
    assert profile.organisation == w.users.wanjiku.officer_profile.organisation


def _decided(w):
    request = w.enrolments.wanjiku_request
    request.refresh_from_db()
    assert request.state in (State.APPROVED, State.ENROLLED, State.WAITLISTED)
    assert request.officer == w.users.wanjiku and request.score is None


def _nominate_setup(w):
    _new_cohort(w)
    w.nominee = make_officer(
        1, organisation=w.users.wanjiku.officer_profile.organisation, job_group="K"
    )


def _nominated(w):
    enrollment = _enrolment(w, w.nominee, w.extra_cohort)
    assert enrollment.state in (State.ENROLLED, State.APPROVED)
    assert enrollment.score is None
    assert not Enrollment.objects.filter(officer=w.users.otieno, cohort=w.extra_cohort).exists()


def _commented(w):
    review = Review.objects.get(comment="Looks right to us.")
    assert review.author == w.users.huawei_reviewer
    deliverable = Deliverable.objects.get(pk=w.partners.huawei.ksgdel.pk)
    assert deliverable.review_state == w.review_state_before


def _note_review_state(w):
    w.review_state_before = w.partners.huawei.ksgdel.review_state


def _in_review(w):
    deliverable = w.partners.huawei.ksgdel
    partner_services.deliverable_submit(deliverable=deliverable, by=w.users.ksg_staff, comment="")
    partner_services.deliverable_start_review(
        deliverable=Deliverable.objects.get(pk=deliverable.pk), by=w.users.huawei_reviewer
    )


def _changes_requested(w):
    deliverable = Deliverable.objects.get(pk=w.partners.huawei.ksgdel.pk)
    assert deliverable.review_state == Deliverable.ReviewState.CHANGES_REQUESTED
    assert Review.objects.filter(deliverable=deliverable).latest("pk").author == (
        w.users.huawei_reviewer
    )


def _report_asked(w):
    run = ReportRun.objects.exclude(pk__in=[w.runs.ict.pk, w.runs.treasury.pk]).get()
    assert run.requested_by == w.users.hr_ict
    assert run.organisation == w.users.hr_ict.memberships.get().organisation
    assert run.subscription is None


def _subscribed(w):
    subscription = ReportSubscription.objects.exclude(
        pk__in=[w.subscriptions.ict.pk, w.subscriptions.treasury.pk]
    ).get()
    assert subscription.owner == w.users.hr_ict and subscription.is_active
    assert subscription.organisation == w.users.hr_ict.memberships.get().organisation


def _scores_setup(w):
    w.scored = Enrollment.objects.create(
        officer=make_officer(2, organisation=w.users.wanjiku.officer_profile.organisation),
        cohort=w.cohorts.ended,
        state=State.ENROLLED,
    )


def _scored(w):
    w.scored.refresh_from_db()
    assert w.scored.score == 64
    # A field named after an enrolment of another cohort is not the form's: left alone.
    w.enrolments.otieno_upcoming.refresh_from_db()
    assert w.enrolments.otieno_upcoming.score is None


def _register(w) -> dict:
    seats = Enrollment.objects.filter(cohort=w.cohorts.ended, state__in=Enrollment.SEAT_STATES)
    return {
        "day": w.cohorts.ended.session_days()[0].isoformat(),
        "listed": [str(pk) for pk in seats.values_list("pk", flat=True)],
        "present": [str(w.scored.pk)],
    }


def _registered(w):
    from enrollments.models import Attendance

    rows = list(Attendance.objects.values_list("enrollment_id", "present", "recorded_by_id"))
    assert (w.scored.pk, True, w.users.trainer.pk) in rows
    assert not Attendance.objects.filter(enrollment__cohort=w.cohorts.upcoming).exists()


def _completed_by_staff(w):
    w.scored.refresh_from_db()
    assert w.scored.score == 90 and w.scored.state == State.COMPLETED
    assert w.scored.officer != w.users.otieno


def _erasure_asked(w):
    from privacy.models import ErasureRequest

    (asked,) = ErasureRequest.objects.filter(user=w.users.wanjiku)
    assert asked.user == w.users.wanjiku
    assert asked.status == ErasureRequest.Status.PENDING
    assert asked.decided_by is None and asked.decided_at is None


PERIOD = {"date_from": "2026-01-01", "date_to": "2026-03-31"}

CASES = [
    Case(
        "sign-up", "anonymous", lambda w: reverse("account_signup"), _signup, _signed_up,
        ("academy.forms.OfficerSignupForm", "academy.forms.OfficerDetailsForm",
         "academy.forms.NewPersonalNumberMixin"),
    ),
    Case(
        "profile", "wanjiku", lambda w: reverse("academy:profile"),
        lambda w: _profile_payload(w, w.users.wanjiku, designation="Senior ICT Officer"),
        _profile_saved, ("academy.forms.OfficerProfileForm",),
    ),
    Case(
        "profile-complete", "hr_ict", lambda w: reverse("academy:profile"),
        lambda w: {
            **_profile_payload(w, w.users.wanjiku), "full_name": "Akinyi Njeri",
            "personal_number": "2018555001",
        },
        _hr_profile_completed, ("academy.forms.OfficerProfileCompleteForm",),
    ),
    Case(
        "enrol-page", "wanjiku",
        lambda w: reverse("enrollments:enrol", kwargs={"cohort_id": w.extra_cohort.pk}),
        lambda w: {}, lambda w: _assert_enrolled(w, w.users.wanjiku), (), setup=_new_cohort,
    ),
    Case(
        "enrol-api", "otieno",
        lambda w: reverse("api_enrol", kwargs={"cohort_id": w.extra_cohort.pk}),
        lambda w: {}, lambda w: _assert_enrolled(w, w.users.otieno), (), body="json",
        setup=_new_cohort,
    ),
    Case(
        "withdraw-page", "wanjiku",
        lambda w: reverse("enrollments:withdraw", kwargs={"pk": w.enrolments.wanjiku_upcoming.pk}),
        lambda w: {"reason": "A family matter."}, _assert_withdrawn("wanjiku_upcoming"),
        ("enrollments.forms.WithdrawForm",),
    ),
    Case(
        "withdraw-api", "otieno",
        lambda w: reverse("api_withdraw", kwargs={"pk": w.enrolments.otieno_upcoming.pk}),
        lambda w: {"reason": "Budget review week."}, _assert_withdrawn("otieno_upcoming"),
        ("enrollments.api.WithdrawInput",), body="json",
    ),
    Case(
        "decide", "hr_ict",
        lambda w: reverse("enrollments:decide", kwargs={"pk": w.enrolments.wanjiku_request.pk}),
        lambda w: {"decision": "approve", "reason": ""}, _decided,
        ("enrollments.forms.DecisionForm",),
    ),
    Case(
        "nominate", "hr_ict",
        lambda w: reverse("enrollments:nominate", kwargs={"pk": w.extra_cohort.pk}),
        lambda w: {"officer": w.nominee.officer_profile.personal_number}, _nominated,
        ("enrollments.forms_imports.NominateForm",), setup=_nominate_setup,
    ),
    Case(
        "review-page", "huawei_reviewer",
        lambda w: reverse(
            "partners:deliverable_review", kwargs={"pk": w.partners.huawei.ksgdel.pk}
        ),
        lambda w: {"action": "comment", "comment": "Looks right to us."}, _commented,
        ("partners.forms.ReviewForm",), setup=_note_review_state,
    ),
    Case(
        "comment-api", "huawei_reviewer",
        lambda w: reverse(
            "api_partner_deliverable_comment", kwargs={"pk": w.partners.huawei.ksgdel.pk}
        ),
        lambda w: {"comment": "Looks right to us."}, _commented,
        ("partners.api.CommentInput",), body="json", setup=_note_review_state,
    ),
    Case(
        "request-changes-api", "huawei_reviewer",
        lambda w: reverse(
            "api_partner_deliverable_request_changes", kwargs={"pk": w.partners.huawei.ksgdel.pk}
        ),
        lambda w: {"reason": "The attendance list is missing."}, _changes_requested,
        ("partners.api.ReasonInput",), body="json", setup=_in_review,
    ),
    Case(
        "report-page", "hr_ict", lambda w: reverse("report_runs:request"),
        lambda w: {"kind": "completions", "format": "csv",
                   "organisation": w.users.hr_ict.memberships.get().organisation_id, **PERIOD},
        _report_asked,
        ("reports.forms.ReportRequestForm", "reports.forms.ReportFilterForm"),
    ),
    Case(
        "report-api", "hr_ict", lambda w: reverse("api_report_request"),
        lambda w: {"kind": "completions", "format": "csv",
                   "organisation": w.users.hr_ict.memberships.get().organisation_id,
                   "from": "2026-01-01", "to": "2026-03-31"},
        _report_asked, ("reports.api.ReportRequestInput",), body="json",
    ),
    Case(
        "subscribe", "hr_ict", lambda w: reverse("report_subscriptions:list"),
        lambda w: {"kind": "summary", "format": "csv", "frequency": "weekly",
                   "organisation": w.users.hr_ict.memberships.get().organisation_id,
                   "skill_area": "", "level": ""},
        _subscribed, ("reports.forms.SubscriptionForm",),
    ),
    Case(
        "scores", "trainer",
        lambda w: reverse("enrollments:staff_results", kwargs={"pk": w.cohorts.ended.pk}),
        lambda w: {f"score_{w.scored.pk}": 64,
                   f"score_{w.enrolments.otieno_upcoming.pk}": 100},
        _scored, ("enrollments.forms_results.ScoresForm",), setup=_scores_setup,
    ),
    Case(
        "attendance", "trainer",
        lambda w: reverse("enrollments:staff_attendance", kwargs={"pk": w.cohorts.ended.pk}),
        _register, _registered, ("enrollments.forms_results.AttendanceForm",),
        setup=_scores_setup,
    ),
    Case(
        "complete-api", "ksg_staff",
        lambda w: reverse("api_enrolment_complete", kwargs={"pk": w.scored.pk}),
        lambda w: {"score": 90, "completed": True, "reason": "Assessed in person."},
        _completed_by_staff, ("enrollments.api_staff.CompleteInput",), body="json",
        setup=_scores_setup,
    ),
    Case(
        "erasure-request", "wanjiku", lambda w: reverse("privacy:erasure"),
        lambda w: {"reason": "I have left the public service."}, _erasure_asked,
        ("privacy.forms.ErasureRequestForm",),
    ),
]  # fmt: skip


# Forms and serializers with no case, each with the reason.
NOT_POSTED_BY_USERS = {
    # Read-only: they filter a GET and write nothing.
    "certificates.forms.SearchForm": "staff search (GET)",
    "enrollments.forms_imports.CohortSearchForm": "search of cohorts (GET)",
    "enrollments.forms_staff.RosterFilterForm": "roster filter (GET)",
    "certificates.forms.CodeForm": "public verification: writes nothing",
    "certificates.forms.UploadForm": "public verification of a PDF: hashed, never stored",
    # Files, whose rows and parts are checked by the upload and import tests.
    "enrollments.forms_imports.CsvUploadForm": "a file (tests/enrollments/test_imports.py)",
    "partners.forms.UploadForm": "a file (tests/partners/test_uploads.py)",
    "partners.forms.LogoForm": "a file, KSG staff only (tests/partners/test_uploads.py)",
    # KSG staff only (is_ksg_staff): not a non-staff user's form.
    "enrollments.forms_results.ResultForm": "KSG staff only",
    "enrollments.forms_results.CloseForm": "KSG staff only",
    "enrollments.forms_seats.MoveForm": "KSG staff only",
    "enrollments.forms_seats.NoShowForm": "KSG staff only",
    "enrollments.forms_seats.QuotaForm": "KSG staff only",
    "enrollments.forms_seats.QuotaRemoveForm": "KSG staff only",
    "enrollments.forms_staff.CapacityForm": "KSG staff and facilitators: capacity is its field",
    "certificates.forms.ReasonForm": "KSG staff only",
    "certificates.forms.RunForm": "KSG staff only",
    "partners.forms.StatusForm": "KSG staff only",
    "partners.forms.SignForm": "KSG staff only",
    "partners.forms._PartyChoice": "base of SignForm and ObligationForm",
    "partners.forms.ObligationForm": "KSG staff only",
    "partners.forms.AmendForm": "KSG staff only",
    "partners.forms.RenewForm": "KSG staff only",
    "partners.forms.KpiResultForm": "KSG staff only",
    "academy.forms.AccountForm": "a partner reviewer's name and language: see test_profile.py",
    "privacy.forms.ErasureDecisionForm": "KSG staff only",
}


def form_and_api_modules() -> list[str]:
    """The forms*/api* modules of every app of the portal (a new app's are found too)."""
    from django.apps import apps
    from django.conf import settings

    names = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if not path.is_relative_to(settings.BASE_DIR) or ".venv" in path.parts:
            continue
        for module in pkgutil.iter_modules([str(path)]):
            if module.name.startswith(("forms", "api")):
                names.append(f"{config.name}.{module.name}")
    return sorted(names)


def writable_forms_and_serializers() -> set[str]:
    """Every form of the portal, and every serializer that reads a body (not an ``…Output``)."""
    found = set()
    for name in form_and_api_modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if not inspect.isclass(value) or value.__module__ != name:
                continue
            reads_a_body = issubclass(value, serializers.BaseSerializer) and not attr.endswith(
                "Output"
            )
            if issubclass(value, forms.BaseForm) or reads_a_body:
                found.add(f"{name}.{attr}")
    return found


def test_every_form_and_writable_serializer_has_a_case_or_a_reason():
    covered = {c for case in CASES for c in case.covers}
    found = writable_forms_and_serializers()
    missing = sorted(found - covered - set(NOT_POSTED_BY_USERS))
    assert not missing, f"forms or serializers with no mass-assignment case: {missing}"
    stale = sorted((covered | set(NOT_POSTED_BY_USERS)) - found)
    assert not stale, stale


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_extra_fields_are_ignored(case, access_world):
    w = access_world
    case.setup(w)
    client = signed_in(None if case.persona == "anonymous" else getattr(w.users, case.persona))
    payload = {**extras(w), **case.good(w)}
    before = protected()
    url = case.url(w)
    if case.body == "json":
        response = client.post(url, json.dumps(payload), content_type="application/json")
    else:
        response = client.post(url, payload)
    assert response.status_code in (200, 201, 202, 302), response.content[:2000]
    case.done(w)
    after = protected()
    if case.id == "sign-up":  # a new account, with its profile: the rest as it was
        new = User.objects.get(email="achieng@ict.go.ke")
        after["users"] = [u for u in after["users"] if u[0] != new.pk]
        after["profiles"] = [p for p in after["profiles"] if p[0] != new.pk]
    if case.id == "profile-complete":
        after["profiles"] = [p for p in after["profiles"] if p[0] != w.users.hr_ict.pk]
    if case.id == "complete-api":  # the certificate of the completion it records
        after["certificates"] = [
            c for c in after["certificates"] if c[1] != getattr(w, "scored", None).pk
        ]
    assert after == before

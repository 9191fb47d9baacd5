"""The whole API under schemathesis: every operation of /api/schema/, fuzzed in-process.

Each operation gets FUZZ_EXAMPLES generated requests, positive (valid by the schema) and
negative (invalid by it) mixed, plus schemathesis' coverage cases (boundary values, missing and
wrong-typed fields). Every request is sent as each persona that may reach the operation (with
its API token) and anonymously, and every response must pass schemathesis' checks: no server
error, a documented status, content type, headers and body, invalid data refused, and the rest
of its default checks (``call_and_validate``).

The application runs in this thread (WSGI, no server), inside pytest-django's ``db``
transaction: one world per operation, built below, rolled back after it. ``db`` rather than
``transactional_db`` on purpose: writes by one example stay visible to the next (an officer
enrols, then withdraws), nothing is flushed, and the work queued on commit (certificate PDFs,
report files, e-mails) does not run: those have tests of their own, and would make this one
slow. Generation is derandomized and the Hypothesis database is off, so a run repeats itself.

Path parameters are drawn half the time from the world's real objects, so that the operations
are exercised past their 404.

    .venv/bin/pytest -p no:xdist tests/academy/test_api_fuzz.py
"""

from __future__ import annotations

import datetime
import os
from collections import Counter

import pytest
import schemathesis
from django.core.files.base import ContentFile
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from academy.wsgi import application
from certificates.models import Certificate
from enrollments.models import Enrollment
from partners.models import Deliverable, Kpi, Obligation, Partner
from reports.models import Format, Kind, ReportRun
from tests.courses.conftest import cohort
from tests.enrollments.conftest import make_officer, week_cohort
from tests.factories import CompetencyFactory, CourseFactory, EnrollmentFactory, SkillAreaFactory
from tests.partners.conftest import make_agreement, party_of
from tests.reports.support_runs import certificate

# At least 100 generated requests per operation (positive and negative together), as the
# security figures promise; FUZZ_EXAMPLES raises it for a longer run.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
# Positive data rejected with a 400 is not a break here: the schema gives a request's shape,
# not the state that decides it (a deliverable's review state, whether a slug exists, a period of
# at most ten years), and the API answers those with the documented 400 and its reason.
schema.config.checks.update(excluded_check_names=["positive_data_acceptance"])
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
    max_examples=FUZZ_EXAMPLES,
    deterministic=True,
    database="none",
)

# Who may reach the operations of each tag (besides the anonymous caller, always tried).
PERSONAS_BY_TAG = {
    "catalogue": ["officer"],
    "certificates": ["officer"],
    "enrolment": ["officer"],
    "cohort administration": ["ksg_staff", "facilitator"],
    "partners": ["ksg_staff", "partner_reviewer"],
    "reports": ["training_officer", "ksg_staff"],
}

# The world of the running test: persona tokens and the real values of path parameters.
WORLD: dict = {}
CALLS: Counter = Counter()


def _real_values(path: str) -> list | None:
    for prefix, key in (
        ("/api/v1/cohorts/{cohort_id}/", "cohort_ids"),
        ("/api/v1/enrolments/{id}/", "enrolment_ids"),
        ("/api/v1/courses/{code}/", "course_codes"),
        ("/api/v1/certificates/verify/{code}/", "verification_codes"),
        ("/api/v1/partners/agreements/{id}/", "agreement_ids"),
        ("/api/v1/partners/deliverables/{id}/", "deliverable_ids"),
        ("/api/v1/partners/kpis/{id}/", "kpi_ids"),
        ("/api/v1/reports/{id}/", "report_ids"),
    ):
        if path.startswith(prefix):
            return WORLD[key]
    return None


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half the time, a real object's id or code instead of the generated one; only where the
    generated value is of the right type, so that a negative case stays negative."""
    if not path_parameters or len(path_parameters) != 1:
        return st.just(path_parameters)
    ((name, value),) = path_parameters.items()
    wanted = str if name == "code" else int
    real = _real_values(context.operation.path)
    if real is None or not isinstance(value, wanted) or isinstance(value, bool):
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters), st.sampled_from(real).map(lambda v: {name: v}))


def _personas(case) -> list[str | None]:
    tags = case.operation.definition.raw.get("tags", [])
    return [None, *(p for tag in tags for p in PERSONAS_BY_TAG.get(tag, []))]


@pytest.fixture
def _keep_the_test_connection():
    """Django closes the database connection at the start and end of each request when it is
    inside a transaction (close_old_connections); its test client switches that off, and so
    must this test, whose requests go through the WSGI handler inside the ``db`` transaction.
    (SQLite's in-memory test database never closes, PostgreSQL's would.)"""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(
    _keep_the_test_connection,
    wanjiku,
    hr_ict,
    ksg_staff,
    trainer,
    huawei_reviewer,
    huawei,
    ksg,
    settings,
):
    """A small portal with one of everything the API shows, reachable by the personas."""
    # Verification is rate-limited per address (its 429 has its own test): lift the limit so
    # that the fuzzing gets past it.
    settings.CERTIFICATE_VERIFY_RATE = (1_000_000, 60)
    area = SkillAreaFactory(slug="data-use-and-governance", name="Data Use and Governance")
    competency = CompetencyFactory(skill_area=area, slug="data-governance")
    course = CourseFactory(
        code="DUG-201",
        skill_area=area,
        competencies=[competency],
        provider=ksg,
        audience_min_job_group="G",
        audience_max_job_group="T",
    )
    approval = CourseFactory(code="DUG-301", skill_area=area, provider=ksg, requires_approval=True)
    open_cohort = cohort(course, starts_in=30, capacity=3, code="DUG-201-OPEN")
    approval_cohort = cohort(approval, starts_in=40, code="DUG-301-OPEN")
    ended = week_cohort(course, weeks_from_now=-2, code="DUG-201-ENDED", status="running")
    ended.facilitators.add(trainer)
    open_cohort.facilitators.add(trainer)

    own = EnrollmentFactory(officer=wanjiku, cohort=open_cohort)
    to_decide = [EnrollmentFactory(officer=make_officer(n), cohort=ended) for n in range(3)]
    done = EnrollmentFactory(
        officer=wanjiku,
        cohort=ended,
        state=Enrollment.State.COMPLETED,
        score=80,
        result_recorded_at=timezone.now(),
    )
    valid = certificate(done, "KSG-2026-000001")
    revoked = certificate(
        EnrollmentFactory(officer=wanjiku, cohort=cohort(approval, starts_in=-30)),
        "KSG-2026-000002",
        status=Certificate.Status.REVOKED,
        revoked_at=timezone.now(),
        revoked_reason="Issued in error.",
    )

    partner = Partner.objects.create(
        organisation=huawei, legal_name=huawei.name, kind=Partner.Kind.PRIVATE_COMPANY
    )
    mou = make_agreement(partner, ksg, status="active", signed=True)
    deliverables = []
    for side, title in ((ksg, "Officers trained"), (huawei, "Cloud trainers provided")):
        party = party_of(mou, side)
        obligation = Obligation.objects.create(agreement=mou, party=party, description=title)
        deliverables.append(
            Deliverable.objects.create(
                obligation=obligation,
                title=title,
                responsible=party,
                due_on=timezone.localdate() + datetime.timedelta(days=20),
                kind=Deliverable.Kind.TRAINING_COHORT,
            )
        )
    training = Kpi.objects.create(agreement=mou, name="Officers trained", kind="training", target=4)
    training.courses.set([course])
    manual = Kpi.objects.create(agreement=mou, name="Laptops", kind="manual", target=50)

    today = timezone.localdate()
    ready = ReportRun.objects.create(
        kind=Kind.COMPLETIONS,
        format=Format.CSV,
        date_from=today - datetime.timedelta(days=90),
        date_to=today,
        requested_by=hr_ict,
        fingerprint="ready",
        status=ReportRun.Status.READY,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    ready.file.save("completions.csv", ContentFile(b"\xef\xbb\xbfid\n"))
    queued = ReportRun.objects.create(
        kind=Kind.SUMMARY,
        format=Format.PDF,
        date_from=today - datetime.timedelta(days=30),
        date_to=today,
        requested_by=ksg_staff,
        fingerprint="queued",
    )

    tokens = {
        name: Token.objects.create(user=user).key
        for name, user in (
            ("officer", wanjiku),
            ("training_officer", hr_ict),
            ("ksg_staff", ksg_staff),
            ("facilitator", trainer),
            ("partner_reviewer", huawei_reviewer),
        )
    }
    WORLD.clear()
    WORLD.update(
        tokens=tokens,
        cohort_ids=[open_cohort.pk, approval_cohort.pk, ended.pk],
        enrolment_ids=[own.pk, done.pk, *(e.pk for e in to_decide)],
        course_codes=[course.code, approval.code],
        verification_codes=[valid.verification_code, revoked.verification_code],
        agreement_ids=[mou.pk],
        deliverable_ids=[d.pk for d in deliverables],
        kpi_ids=[training.pk, manual.pk],
        report_ids=[ready.pk, queued.pk],
    )
    yield WORLD
    WORLD.clear()


@pytest.fixture(scope="module", autouse=True)
def _enough_examples():
    """Each operation that ran got at least FUZZ_EXAMPLES requests (Hypothesis stops early when
    it runs out of new inputs: this would say so). Prints the counts for the security figures."""
    CALLS.clear()
    yield
    print(f"\nschemathesis examples per operation ({len(CALLS)} operations):")
    for label, count in sorted(CALLS.items()):
        print(f"  {count:5d}  {label}")
    assert all(count >= FUZZ_EXAMPLES for count in CALLS.values()), CALLS


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_operation_answers_within_its_schema(case, world):
    CALLS[case.operation.label] += 1
    # The personas' tokens go in as explicit headers, which schemathesis knows to be real
    # credentials (its auth checks then also try the call without them); the anonymous call
    # carries none of the generated ones either.
    case.headers = {
        name: value
        for name, value in (case.headers or {}).items()
        if name.lower() != "authorization"
    }
    case.cookies = {}
    for persona in _personas(case):
        if persona is None:
            case.call_and_validate()
        else:
            case.call_and_validate(headers={"Authorization": f"Token {world['tokens'][persona]}"})

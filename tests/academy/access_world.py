"""One small world for the access matrix and the header crawl: a course with three cohorts, the
enrolments, completions and certificates of an ICT officer (Wanjiku) and a Treasury officer
(Otieno), a report run and a subscription per training officer, and an MoU with an obligation,
a deliverable, a KPI and a document for each of two partners (Huawei and ICDL Africa).

Every object that belongs to one side has a twin on the other side, so that the matrix can ask
each persona for the other side's object and expect nothing back.
"""

from __future__ import annotations

import datetime
import hashlib
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from academy.demo.accounts import ksg_staff_group
from academy.demo.signatures import signature_png
from academy.models import Membership, OfficerProfile, Organisation
from certificates import services as certificate_services
from certificates.models import CertificateRun, Signatory
from enrollments.models import CohortQuota, Enrollment
from partners.models import Deliverable, Document, Kpi, Obligation, Partner
from reports import runs as report_runs
from reports import services as report_services
from reports import subscriptions
from reports.filters import ReportFilters
from tests.conftest import SignedInClient
from tests.courses.conftest import cohort
from tests.enrollments.conftest import week_cohort
from tests.factories import (
    CampusFactory,
    CourseFactory,
    EnrollmentFactory,
    MembershipFactory,
    OrganisationFactory,
    SkillAreaFactory,
    UserFactory,
)
from tests.partners.conftest import make_agreement, party_of

State = Enrollment.State

# The personas, in the order of the matrix's columns. "icdl_reviewer" is the reviewer of the
# second partner, who must see nothing of Huawei's (and Huawei's reviewer nothing of ICDL's).
PERSONAS = (
    "anonymous",
    "wanjiku",
    "otieno",
    "hr_ict",
    "hr_treasury",
    "ksg_staff",
    "trainer",
    "huawei_reviewer",
    "icdl_reviewer",
)

# Who must get nothing (no 2xx, no change) from an object of each side.
OUTSIDERS = {
    "ict": ("otieno", "hr_treasury", "huawei_reviewer", "icdl_reviewer"),
    "treasury": ("wanjiku", "hr_ict", "huawei_reviewer", "icdl_reviewer"),
    "huawei": ("wanjiku", "otieno", "hr_ict", "hr_treasury", "trainer", "icdl_reviewer"),
    "icdl": ("wanjiku", "otieno", "hr_ict", "hr_treasury", "trainer", "huawei_reviewer"),
}


def build_world(*, ksg, ministry_ict, treasury, huawei, wanjiku, otieno, hr_ict, hr_treasury,
                ksg_staff, trainer, huawei_reviewer):  # fmt: skip
    """Everything the matrix asks for, made once per test."""
    # KSG staff hold the admin permissions of the demo's "KSG staff" group.
    ksg_staff.groups.add(ksg_staff_group())
    # Personal numbers of their own: the personas' ones are the examples in help texts.
    for officer, number in ((wanjiku, "2019770001"), (otieno, "2017770002")):
        OfficerProfile.objects.filter(user=officer).update(personal_number=number)
        officer.officer_profile.refresh_from_db()
    area = SkillAreaFactory(slug="data-use-and-governance", name="Data Use and Governance")
    course = CourseFactory(
        code="DUG-201",
        title="Data Governance",
        skill_area=area,
        provider=ksg,
        audience_min_job_group="G",
        audience_max_job_group="T",
    )
    approval_course = CourseFactory(
        code="DUG-301", skill_area=area, provider=ksg, requires_approval=True
    )
    campus = CampusFactory(slug="lower-kabete", name="Lower Kabete")
    # Open for enrolment; the facilitator does not run it.
    upcoming = cohort(course, starts_in=30, capacity=10, code="DUG-201-UP", campus=campus)
    approval = cohort(approval_course, starts_in=40, capacity=10, code="DUG-301-UP")
    # Ended two weeks ago; the facilitator runs it; both officers completed it.
    ended = week_cohort(course, code="DUG-201-END", campus=campus, status="running")
    ended.facilitators.add(trainer)

    enrolments = SimpleNamespace(
        wanjiku_upcoming=EnrollmentFactory(officer=wanjiku, cohort=upcoming, state=State.ENROLLED),
        otieno_upcoming=EnrollmentFactory(officer=otieno, cohort=upcoming, state=State.ENROLLED),
        wanjiku_request=EnrollmentFactory(officer=wanjiku, cohort=approval, state=State.REQUESTED),
        otieno_request=EnrollmentFactory(officer=otieno, cohort=approval, state=State.REQUESTED),
        wanjiku_done=EnrollmentFactory(
            officer=wanjiku, cohort=ended, state=State.COMPLETED, score=80
        ),
        otieno_done=EnrollmentFactory(
            officer=otieno, cohort=ended, state=State.COMPLETED, score=75
        ),
    )
    quota = CohortQuota.objects.create(cohort=upcoming, organisation=ministry_ict, seats=2)

    for order, name in enumerate(("Prof. Amina Wekesa", "Dr. Ann Ng'ang'a")):
        signatory = Signatory(name=name, title="Kenya School of Government", order=order)
        signatory.signature.save("signature.png", ContentFile(signature_png(name)), save=False)
        signatory.save()
    certificates = SimpleNamespace(
        wanjiku=certificate_services.certificate_issue(enrollment=enrolments.wanjiku_done),
        otieno=certificate_services.certificate_issue(enrollment=enrolments.otieno_done),
    )
    certificate_run = CertificateRun.objects.create(
        cohort=ended, mode=CertificateRun.Mode.ISSUE, status=CertificateRun.Status.DONE,
        requested_by=ksg_staff,
    )  # fmt: skip

    today = datetime.date.today()
    period = {"date_from": today - datetime.timedelta(days=90), "date_to": today}
    runs = SimpleNamespace(
        ict=report_services.report_request(
            by=hr_ict,
            filters=ReportFilters(organisation=ministry_ict, **period),
            kind="completions",
            format="csv",
        )[0],
        treasury=report_services.report_request(
            by=hr_treasury,
            filters=ReportFilters(organisation=treasury, **period),
            kind="completions",
            format="csv",
        )[0],
    )
    # Built now, as a worker would after the commit that a test never makes.
    runs.ict = report_runs.report_build(run_id=runs.ict.pk)
    runs.treasury = report_runs.report_build(run_id=runs.treasury.pk)
    subs = SimpleNamespace(
        ict=subscriptions.subscription_create(
            by=hr_ict, organisation=ministry_ict, kind="completions", format="csv",
            frequency="monthly",
        ),
        treasury=subscriptions.subscription_create(
            by=hr_treasury, organisation=treasury, kind="completions", format="csv",
            frequency="monthly",
        ),
    )  # fmt: skip

    icdl = OrganisationFactory(
        name="ICDL Africa", short_name="ICDL", slug="icdl", kind=Organisation.Kind.PARTNER
    )
    icdl_reviewer = UserFactory(email="reviewer@icdl.demo.org", full_name="Amani Otieno")
    MembershipFactory(user=icdl_reviewer, role=Membership.Role.PARTNER_REVIEWER, organisation=icdl)
    partners = {
        "huawei": _partner_side(huawei, "Huawei Technologies (Kenya) Co. Ltd", ksg, ksg_staff),
        "icdl": _partner_side(icdl, "ICDL Africa", ksg, ksg_staff),
    }
    from privacy.services import erasure_request_create

    erasure = erasure_request_create(user=otieno, reason="I have left the public service.")
    return SimpleNamespace(
        area=area,
        erasure=erasure,
        course=course,
        cohorts=SimpleNamespace(upcoming=upcoming, approval=approval, ended=ended),
        enrolments=enrolments,
        quota=quota,
        certificates=certificates,
        certificate_run=certificate_run,
        runs=runs,
        subscriptions=subs,
        partners=SimpleNamespace(**partners),
        users=SimpleNamespace(
            wanjiku=wanjiku,
            otieno=otieno,
            hr_ict=hr_ict,
            hr_treasury=hr_treasury,
            ksg_staff=ksg_staff,
            trainer=trainer,
            huawei_reviewer=huawei_reviewer,
            icdl_reviewer=icdl_reviewer,
        ),
    )


def _partner_side(organisation, legal_name, ksg, ksg_staff) -> SimpleNamespace:
    """A partner with an active, signed MoU; an obligation and deliverable of each party; a
    manual KPI; and a document on the MoU."""
    partner = Partner.objects.create(
        organisation=organisation, legal_name=legal_name, kind=Partner.Kind.PRIVATE_COMPANY
    )
    mou = make_agreement(partner, ksg, status="active", signed=True)
    deliverables = {}
    for side, party_organisation in (("ksg", ksg), ("partner", organisation)):
        party = party_of(mou, party_organisation)
        obligation = Obligation.objects.create(
            agreement=mou, party=party, description=f"What {party_organisation} does."
        )
        deliverables[side] = Deliverable.objects.create(
            obligation=obligation,
            title=f"Delivered by {party_organisation}",
            responsible=party,
            due_on=datetime.date.today() + datetime.timedelta(days=20),
            kind=Deliverable.Kind.TRAINERS,
        )
    kpi = Kpi.objects.create(
        agreement=mou, name="Laptops delivered", unit="laptops", kind=Kpi.Kind.MANUAL, target=50
    )
    body = b"%PDF-1.4\n% signed MoU\n"
    document = Document.objects.create(
        partner=partner,
        agreement=mou,
        kind=Document.Kind.SIGNED_AGREEMENT,
        file=ContentFile(body, name="mou.pdf"),
        original_name="mou.pdf",
        content_type="application/pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        uploaded_by=ksg_staff,
    )
    return SimpleNamespace(
        partner=partner,
        mou=mou,
        obligation=deliverables["ksg"].obligation,
        ksgdel=deliverables["ksg"],
        deliverable=deliverables["partner"],
        kpi=kpi,
        document=document,
    )


@pytest.fixture(name="access_world")
def access_world_fixture(ksg, ministry_ict, treasury, huawei, wanjiku, otieno, hr_ict,
                         hr_treasury, ksg_staff, trainer, huawei_reviewer):  # fmt: skip
    return build_world(
        ksg=ksg, ministry_ict=ministry_ict, treasury=treasury, huawei=huawei, wanjiku=wanjiku,
        otieno=otieno, hr_ict=hr_ict, hr_treasury=hr_treasury, ksg_staff=ksg_staff,
        trainer=trainer, huawei_reviewer=huawei_reviewer,
    )  # fmt: skip


def signed_in(user) -> Client:
    """A client signed in as ``user`` (None: anonymous). Exceptions come back as a 500 so the
    matrix reports them with the rest."""
    client = SignedInClient(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def clients_of(world) -> dict[str, Client]:
    return {
        persona: signed_in(None if persona == "anonymous" else getattr(world.users, persona))
        for persona in PERSONAS
    }


def answer_of(response) -> str:
    """The token of ``TABLE`` this response is."""
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return "LOG"
    return str(response.status_code)

"""A small, hand-made public service whose report figures are known exactly.

The period the tests ask about is the first quarter of 2026 (1 January to 31 March, days in
Nairobi). The Ministry of ICT has a state department, which has a directorate; the Treasury is
the other organisation, whose officers must never show in the Ministry's figures.

For the Ministry of ICT (with sub-units), January to March 2026:

============================  =========================================================
officer (organisation)        what happened
============================  =========================================================
Wanjiku (state department)    completed A1 (recorded 17 Jan); enrolled in B1 (30 Mar to 3 Apr)
Kamau (ministry itself)       withdrew from A1, re-enrolled in A2, completed it at 23:30 on
                              31 Mar in Nairobi (20:30 UTC): in the period, counted once
Achieng (directorate)         completed B0 (a December cohort) at 00:30 on 1 Jan in Nairobi
                              (21:30 UTC on 31 Dec): a completion of the period
Mutiso (directorate)          did not complete A2 (recorded 14 Feb)
Owino (state department)      completed A2 at 00:10 on 1 Apr in Nairobi (21:10 UTC on 31 Mar):
                              enrolled in the period, but the completion is not in it
Njeri (state department)      on B1's waiting list; enrolled in A3 (April): no training
Late (state department)       registered on 5 April: not counted at all
Otieno (Treasury)             completed A1: never in the Ministry's figures
============================  =========================================================

So: registered 6, enrolled 4 (5 seats), waiting 1, completions 3 (officers 3), results 4,
completion rate 75 %, CPD hours 80 (30 + 30 + 20), no training 1 (Njeri).
"""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest

from academy.models import Organisation
from courses.models import Level
from enrollments.models import Enrollment
from reports.models import TrainingTarget
from tests.factories import (
    CohortFactory,
    CountyFactory,
    CourseFactory,
    EnrollmentFactory,
    OfficerProfileFactory,
    OrganisationFactory,
    SkillAreaFactory,
    UserFactory,
)

State = Enrollment.State
NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
Q1_FROM = datetime.date(2026, 1, 1)
Q1_TO = datetime.date(2026, 3, 31)


def eat(*args) -> datetime.datetime:
    """A moment given in Nairobi's local time."""
    return datetime.datetime(*args, tzinfo=NAIROBI)


@pytest.fixture
def world(ministry_ict, state_department_ict, treasury, ksg, nairobi):
    directorate = OrganisationFactory(
        parent=state_department_ict,
        name="Directorate of E-Government",
        slug="dir-egov",
        kind=Organisation.Kind.DIRECTORATE,
    )
    mombasa = CountyFactory(name="Mombasa", code=1)
    kisumu = CountyFactory(name="Kisumu", code=42)
    planning = SkillAreaFactory(
        slug="digital-planning-and-design", name="Digital Planning and Design"
    )
    data = SkillAreaFactory(slug="data-use-and-governance", name="Data Use and Governance")
    course_a = CourseFactory(
        code="DPD-101", skill_area=planning, level=Level.FOUNDATION, cpd_hours=30
    )
    course_b = CourseFactory(
        code="DUG-201", skill_area=data, level=Level.INTERMEDIATE, cpd_hours=20
    )

    def cohort(course, code, starts, days=4):
        return CohortFactory(
            course=course,
            code=code,
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=days),
            enrolment_opens_on=starts - datetime.timedelta(days=60),
            enrolment_closes_on=starts - datetime.timedelta(days=3),
        )

    a1 = cohort(course_a, "DPD-101-JAN", datetime.date(2026, 1, 12))
    a2 = cohort(course_a, "DPD-101-FEB", datetime.date(2026, 2, 9))
    a3 = cohort(course_a, "DPD-101-APR", datetime.date(2026, 4, 20))
    b0 = cohort(course_b, "DUG-201-DEC", datetime.date(2025, 12, 1))
    b1 = cohort(course_b, "DUG-201-MAR", datetime.date(2026, 3, 30))

    def officer(name, organisation, *, job_group="K", gender="", county=nairobi, joined=None):
        user = UserFactory(email=f"{name.lower()}@example.go.ke", full_name=name)
        profile = OfficerProfileFactory(
            user=user,
            organisation=organisation,
            job_group=job_group,
            gender=gender,
            duty_station=county,
        )
        # Registered long before the period unless said otherwise (created_at is automatic).
        type(profile).objects.filter(pk=profile.pk).update(
            created_at=joined or eat(2025, 6, 1, 9, 0)
        )
        return user

    wanjiku = officer("Wanjiku", state_department_ict, gender="female")
    kamau = officer("Kamau", ministry_ict, job_group="M", gender="male", county=mombasa)
    achieng = officer("Achieng", directorate, job_group="J", county=kisumu)
    mutiso = officer("Mutiso", directorate, gender="male")
    owino = officer("Owino", state_department_ict, gender="male")
    njeri = officer("Njeri", state_department_ict, job_group="L", gender="female")
    late = officer("Late", state_department_ict, joined=eat(2026, 4, 5, 10, 0))
    otieno = officer("Otieno", treasury, job_group="M", gender="male")

    def enrol(who, where, state, recorded=None, score=None):
        return EnrollmentFactory(
            officer=who,
            cohort=where,
            state=state,
            result_recorded_at=recorded,
            score=score,
            state_changed_at=recorded,
        )

    enrolments = SimpleNamespace(
        wanjiku_a1=enrol(wanjiku, a1, State.COMPLETED, eat(2026, 1, 17, 10, 0), 81),
        wanjiku_b1=enrol(wanjiku, b1, State.ENROLLED),
        kamau_a1=enrol(kamau, a1, State.WITHDRAWN),
        kamau_a2=enrol(kamau, a2, State.COMPLETED, eat(2026, 3, 31, 23, 30), 74),
        achieng_b0=enrol(achieng, b0, State.COMPLETED, eat(2026, 1, 1, 0, 30), 90),
        mutiso_a2=enrol(mutiso, a2, State.NOT_COMPLETED, eat(2026, 2, 14, 9, 0), 41),
        owino_a2=enrol(owino, a2, State.COMPLETED, eat(2026, 4, 1, 0, 10), 66),
        njeri_b1=enrol(njeri, b1, State.WAITLISTED),
        njeri_a3=enrol(njeri, a3, State.ENROLLED),
        late_a3=enrol(late, a3, State.ENROLLED),
        otieno_a1=enrol(otieno, a1, State.COMPLETED, eat(2026, 1, 17, 10, 0), 70),
    )
    # The Digital Master Plan's target, as the data migration seeds it (a test that flushes the
    # database, such as one with a real worker, takes the migration's rows with it).
    if not TrainingTarget.objects.exists():
        TrainingTarget.objects.create(
            name="Kenya National Digital Master Plan 2022-2032: public servants trained",
            officers=300_000,
            deadline=datetime.date(2032, 12, 31),
            source="Kenya National Digital Master Plan 2022-2032 (launched April 2022)",
        )
    # Adding a root re-sorts the roots by name (treebeard's node_order_by), which changes the
    # paths of those already saved: read them back.
    for organisation in (ministry_ict, state_department_ict, directorate, treasury):
        organisation.refresh_from_db()
    return SimpleNamespace(
        ministry=ministry_ict,
        state_department=state_department_ict,
        directorate=directorate,
        treasury=treasury,
        planning=planning,
        data=data,
        courses=SimpleNamespace(a=course_a, b=course_b),
        cohorts=SimpleNamespace(a1=a1, a2=a2, a3=a3, b0=b0, b1=b1),
        officers=SimpleNamespace(
            wanjiku=wanjiku,
            kamau=kamau,
            achieng=achieng,
            mutiso=mutiso,
            owino=owino,
            njeri=njeri,
            late=late,
            otieno=otieno,
        ),
        enrolments=enrolments,
        date_from=Q1_FROM,
        date_to=Q1_TO,
    )

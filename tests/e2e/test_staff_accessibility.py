"""WCAG 2.1 A and AA, checked by axe-core in Chromium, on the pages of KSG staff and
facilitators (rosters, enrolments, attendance, results, seats and CSV imports), of training
officers (nominations, requests, their officers' training) and on an officer's "My learning":
on a desktop and on a 360 px phone, in English and in Kiswahili, with the error states a user
runs into (a refused CSV file, a refused nomination, forms sent back with their errors). On the
phone no page may scroll sideways: wide tables scroll in their own region.

The data is made with the services, as the portal makes it: a running cohort with a quota, a
waiting list, attendance and scores; an upcoming cohort of the same course to move officers to;
an ended cohort to close; a closed cohort an officer completed; a request to answer.
"""

import datetime
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from enrollments import imports, results, services
from enrollments.models import Enrollment
from tests.courses.conftest import cohort
from tests.factories import (
    CampusFactory,
    CourseFactory,
    EnrollmentFactory,
    OfficerProfileFactory,
    SkillAreaFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PHONE = {"width": 360, "height": 740}
# How each viewport opens a page: the desktop is Playwright's default.
VIEWPORTS = {"desktop": {}, "phone": {"viewport": PHONE}}

# A refused file: an unknown officer, a line twice, a value no officer could have, an officer
# already in the cohort, and junk that must only ever be printed.
BAD_CSV = (
    b"email,personal_number\n"
    b"nobody@nowhere.demo.go.ke,\n"
    b",PN-DOES-NOT-EXIST-0000000000000000000000000000\n"
    b",PN-DOES-NOT-EXIST-0000000000000000000000000000\n"
    b"=cmd|' /C calc'!A0,\n"
    b"{already},\n"
)
BAD_NOMINATIONS = b"personal_number\n0000000001\n0000000002\n{wanjiku}\n"

axe = Axe()


def violations(page) -> str:
    """axe's report of the WCAG 2.1 AA violations on the page, or '' when there are none."""
    found = axe.run(page, options=WCAG_21_AA)
    return found.generate_report() if found.violations_count else ""


def days_from_today(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def monday(weeks_from_now: int) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday(), weeks=-weeks_from_now)


# --- The data ------------------------------------------------------------------------------


@dataclass
class Academy:
    running: object  # started a week ago: attendance, scores, a quota, a waiting list
    upcoming: object  # the same course later: taking enrolments and nominations
    ended: object  # ended two weeks ago, not closed yet
    closed: object  # another course, closed: the officer completed it
    moved: Enrollment  # moved from ``upcoming`` into ``running``, waited, got a seat, scored
    decided: Enrollment  # in ``ended``: a result to override
    request: Enrollment  # an officer's request waiting for the training officer


def officer(login, name, personal_number, job_group, designation, *, organisation):
    user = UserFactory(email=f"{login}@{organisation.slug}.demo.go.ke", full_name=name)
    OfficerProfileFactory(
        user=user,
        personal_number=personal_number,
        organisation=organisation,
        job_group=job_group,
        designation=designation,
    )
    return user


@pytest.fixture
def academy(
    transactional_db,
    ksg,
    nairobi,
    ksg_staff,
    trainer,
    hr_ict,
    wanjiku,
    otieno,
    state_department_ict,
) -> Academy:
    area = SkillAreaFactory(
        slug="data-use-and-governance",
        name="Data Use and Governance",
        name_sw="Matumizi na Utawala wa Data",
    )
    governance = CourseFactory(
        code="DGP-201",
        title="Data Governance for Public Officers",
        skill_area=area,
        provider=ksg,
        pass_mark=60,
        min_attendance_percent=80,
        audience_min_job_group="J",
        audience_max_job_group="M",
    )
    cyber = CourseFactory(
        code="CYB-101",
        title="Cybersecurity Essentials",
        skill_area=area,
        provider=ksg,
        pass_mark=50,
        audience_min_job_group="J",
        audience_max_job_group="M",
    )
    strategy = CourseFactory(
        code="DTS-301",
        title="Digital Transformation Strategy",
        skill_area=area,
        provider=ksg,
        requires_approval=True,
        audience_min_job_group="J",
        audience_max_job_group="M",
    )
    kabete = CampusFactory(slug="lower-kabete", name="Lower Kabete", county=nairobi)
    mombasa = CampusFactory(slug="mombasa", name="Mombasa")
    kisumu = CampusFactory(slug="kisumu", name="Kisumu")
    # Each cohort takes enrolments until today, so that the services can fill it; the windows
    # close as they should once the cohorts are filled (below).
    window = {"enrolment_opens_on": days_from_today(-40), "enrolment_closes_on": days_from_today(0)}
    running = cohort(
        governance,
        starts_in=-7,
        ends_on=days_from_today(7),
        capacity=4,
        campus=kabete,
        code="DGP-201-NBI-2025-07",
        **window,
    )
    upcoming = cohort(
        governance, starts_in=30, capacity=20, campus=mombasa, code="DGP-201-MSA-2025-09"
    )
    start = monday(-2)
    ended = cohort(
        governance,
        starts_in=(start - timezone.localdate()).days,
        ends_on=start + datetime.timedelta(days=4),
        capacity=10,
        campus=kisumu,
        code="DGP-201-KSM-2025-06",
        **window,
    )
    start = monday(-4)
    closed = cohort(
        cyber,
        starts_in=(start - timezone.localdate()).days,
        ends_on=start + datetime.timedelta(days=4),
        online=True,
        code="CYB-101-ONL-2025-05",
        **window,
    )
    for run in (running, ended):
        run.facilitators.add(trainer)

    ict, treasury = state_department_ict, otieno.officer_profile.organisation
    nyambura, kiprotich, halima, omondi, chepkoech = (
        officer(*person, organisation=ict)
        for person in (
            (
                "nyambura.wairimu",
                "Nyambura Wairimu-Kariuki",
                "2018004411",
                "K",
                "Senior ICT Officer",
            ),
            (
                "kiprotich.langat",
                "Kiprotich Langat",
                "2016002290",
                "L",
                "Principal Systems Analyst",
            ),
            ("halima.abdullahi", "Halima Abdullahi", "2020007731", "J", "ICT Officer II"),
            ("omondi.ochieng", "Omondi Ochieng", "2019006652", "K", "Data Analyst"),
            ("chepkoech.rotich", "Chepkoech Rotich", "2021001187", "J", "Records Officer"),
        )
    )
    # Officers of the ended cohort: one cohort of a course at a time.
    in_ended_people = [
        officer(*person, organisation=organisation)
        for person, organisation in (
            (("wekesa.barasa", "Wekesa Barasa", "2015003378", "M", "Chief Economist"), treasury),
            (("achieng.otieno", "Achieng Otieno", "2017008815", "K", "Statistician I"), treasury),
            (("mwikali.musyoka", "Mwikali Musyoka", "2019002264", "K", "ICT Officer I"), ict),
            (("abdi.hassan", "Abdi Hassan Mohamed", "2020005549", "J", "Data Clerk"), ict),
            (("njoki.gathoni", "Njoki Gathoni", "2022000918", "J", "ICT Intern"), ict),
        )
    ]

    # The running cohort: one seat set aside for the Treasury, three open ones.
    services.cohort_set_quota(cohort=running, organisation=treasury, seats=1, by=ksg_staff)
    services.enrollment_create(officer=otieno, cohort=running)
    for person in (nyambura, kiprotich, halima):
        services.enrollment_create(officer=person, cohort=running)
    # Omondi enrols in the later cohort; staff move him into the running one, which is full,
    # and he waits until staff remove Halima as a no-show; Chepkoech waits behind him.
    later = services.enrollment_create(officer=omondi, cohort=upcoming).enrollment
    moved = services.enrollment_move(
        enrollment=later,
        to_cohort=running,
        by=ksg_staff,
        reason="Needs the training before the data audit in August",
    )
    services.enrollment_create(officer=chepkoech, cohort=running)
    services.enrollment_remove_no_show(
        enrollment=Enrollment.objects.get(officer=halima, cohort=running),
        by=ksg_staff,
        reason="Absent on the first three days; posted to the Mombasa regional office",
    )
    seats = list(running.enrollments.filter(state=Enrollment.State.ENROLLED))
    for day in running.session_days()[:2]:
        results.attendance_record(
            cohort=running,
            by=trainer,
            day=day,
            present_ids=[e.pk for e in seats if e.officer_id != kiprotich.pk or day.day % 2],
        )
    moved.refresh_from_db()
    results.score_record(enrollment=moved, by=trainer, score=64)
    results.score_record(enrollment=moved, by=ksg_staff, score=71)

    # The ended cohort: five days recorded, scores for all but one, one officer still waiting.
    ended.capacity = 4
    ended.save()
    in_ended = [
        services.enrollment_create(officer=person, cohort=ended).enrollment
        for person in in_ended_people
    ]
    present = {in_ended[0].pk: 5, in_ended[1].pk: 3, in_ended[2].pk: 5, in_ended[3].pk: 4}
    for n, day in enumerate(ended.session_days()):
        results.attendance_record(
            cohort=ended,
            by=trainer,
            day=day,
            present_ids=[pk for pk, count in present.items() if n < count],
        )
    results.scores_record(
        cohort=ended,
        by=trainer,
        scores={in_ended[0].pk: 82, in_ended[1].pk: 55, in_ended[2].pk: 47},
    )

    # Wanjiku completed the cyber course, asked for a place in the strategy course, and her
    # training officer nominated her into the upcoming cohort.
    services.enrollment_create(officer=wanjiku, cohort=closed)
    mine = Enrollment.objects.get(officer=wanjiku, cohort=closed)
    for day in closed.session_days():
        results.attendance_record(cohort=closed, by=ksg_staff, day=day, present_ids=[mine.pk])
    results.score_record(enrollment=mine, by=ksg_staff, score=88)
    results.cohort_close(cohort=closed, by=ksg_staff)
    closed.refresh_from_db()
    approval = cohort(strategy, starts_in=45, campus=kabete, code="DTS-301-NBI-2025-10")
    request = services.enrollment_create(officer=wanjiku, cohort=approval).enrollment
    imports.officer_nominate(cohort=upcoming, by=hr_ict, officer=wanjiku.email)
    # Someone else's officers in the same cohort: never on the training officer's pages.
    EnrollmentFactory(cohort=upcoming)
    for run in (running, ended, closed):
        run.enrolment_closes_on = run.starts_on - datetime.timedelta(days=3)
        run.save(update_fields=["enrolment_closes_on"])
    return Academy(
        running=running,
        upcoming=upcoming,
        ended=ended,
        closed=closed,
        moved=moved,
        decided=in_ended[0],
        request=request,
    )


# --- The browser ---------------------------------------------------------------------------


class Audit:
    """Visit pages, or reach them by a step, and collect what is wrong with each."""

    def __init__(self, page, locale, viewport):
        self.page, self.locale, self.viewport = page, locale, viewport
        self.found: dict[str, str] = {}

    def check(self, name: str) -> None:
        page = self.page
        assert page.locator("html").get_attribute("lang") == self.locale[:2], name
        problems = []
        if report := violations(page):
            problems.append(report)
        if self.viewport == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"scrolls sideways: {width} px wide")
        if problems:
            self.found[name] = "\n".join(problems)

    def visit(self, path: str, status: int = 200) -> None:
        response = self.page.goto(path)
        assert response.status == status, f"{path}: {response.status}"
        self.check(path)

    def submit(self, name: str, form: str, status: int = 400, **files) -> None:
        """Send the form matched by the CSS selector ``form`` as it is (after ``files``: input
        name → (file name, bytes)), and check the page that comes back."""
        page = self.page
        for field, (file_name, data) in files.items():
            page.locator(f"{form} input[name='{field}']").set_input_files(
                {"name": file_name, "mimeType": "text/csv", "buffer": data}
            )
        with page.expect_navigation() as navigation:
            page.locator(f"{form} button[type=submit]").first.click()
        assert navigation.value.status == status, f"{name}: {navigation.value.status}"
        # The page came back with its errors: that is the state to check. Each link of the
        # error summary leads to its field.
        assert page.locator("main [role=alert]").count() > 0, name
        unlinked = page.evaluate(
            """() => [...document.querySelectorAll('.error-summary a')]
                .map(a => a.getAttribute('href'))
                .filter(href => !href.startsWith('#') || !document.getElementById(href.slice(1)))"""
        )
        assert not unlinked, f"{name}: error links to nowhere: {unlinked}"
        self.check(name)

    def assert_clean(self) -> None:
        assert not self.found, "\n\n".join(
            f"{name}:\n{report}" for name, report in self.found.items()
        )


LOCALES = pytest.mark.parametrize("locale", ["en-GB", "sw"])
SCREENS = pytest.mark.parametrize("viewport", ["desktop", "phone"])


@LOCALES
@SCREENS
def test_staff_pages_meet_wcag_21_aa(sign_in, academy, ksg_staff, wanjiku, locale, viewport):
    running, ended, moved = academy.running, academy.ended, academy.moved
    audit = Audit(sign_in(ksg_staff, locale=locale, **VIEWPORTS[viewport]), locale, viewport)
    for path in (
        "/staff/cohorts/",
        f"/staff/cohorts/{running.pk}/",
        f"/staff/cohorts/{running.pk}/?q=omondi&state=enrolled",
        f"/staff/enrolments/{moved.pk}/",
        f"/staff/cohorts/{running.pk}/attendance/",
        f"/staff/cohorts/{running.pk}/results/",
        f"/staff/cohorts/{ended.pk}/attendance/",
        f"/staff/cohorts/{ended.pk}/results/",
        f"/staff/cohorts/{academy.closed.pk}/results/",
    ):
        audit.visit(path)

    # The pages of a form, then the form sent back with its errors.
    audit.visit(f"/staff/enrolments/{moved.pk}/move/")
    audit.submit("move, nothing chosen", "form.account-form")
    audit.visit(f"/staff/enrolments/{moved.pk}/no-show/")
    audit.submit("no-show, no reason", "form.account-form")
    audit.visit(f"/staff/enrolments/{academy.decided.pk}/result/")
    audit.submit("result, nothing chosen", "form.account-form")
    audit.visit(f"/staff/cohorts/{ended.pk}/close/")
    audit.submit("close, not confirmed", "form.account-form")
    audit.visit(f"/staff/cohorts/{running.pk}/results/")
    audit.page.locator("input[type=number]").first.fill("150")
    audit.submit("results, a score above 100", "main form[method=post]")
    audit.visit(f"/staff/cohorts/{running.pk}/quotas/")
    audit.page.locator("#id_quota-organisation").select_option(index=1)
    audit.page.locator("#id_quota-seats").fill("40")
    audit.submit("quota, more seats than the cohort", "form[aria-labelledby=quota-form-title]")

    # A refused CSV file: the report of its bad lines.
    audit.visit(f"/staff/cohorts/{academy.upcoming.pk}/bulk-enrol/")
    already = wanjiku.email
    audit.submit(
        "bulk enrolment, a refused file",
        "main form[enctype='multipart/form-data']",
        file=("officers-july.csv", BAD_CSV.replace(b"{already}", already.encode())),
    )
    assert audit.page.locator(".import-report tbody tr").count() >= 4
    audit.assert_clean()


@LOCALES
@SCREENS
def test_facilitator_pages_meet_wcag_21_aa(sign_in, academy, trainer, locale, viewport):
    running, ended = academy.running, academy.ended
    audit = Audit(sign_in(trainer, locale=locale, **VIEWPORTS[viewport]), locale, viewport)
    for path in (
        "/staff/cohorts/",
        f"/staff/cohorts/{running.pk}/",
        f"/staff/enrolments/{academy.moved.pk}/",
        f"/staff/cohorts/{running.pk}/attendance/",
        f"/staff/cohorts/{ended.pk}/results/",
    ):
        audit.visit(path)
    audit.assert_clean()


@LOCALES
@SCREENS
def test_training_officer_pages_meet_wcag_21_aa(
    sign_in, academy, hr_ict, wanjiku, locale, viewport
):
    upcoming = academy.upcoming
    audit = Audit(sign_in(hr_ict, locale=locale, **VIEWPORTS[viewport]), locale, viewport)
    for path in (
        "/nominations/",
        "/nominations/?q=DGP-201",
        "/nominations/?q=no-such-course",
        "/requests/",
        "/officers-training/",
        "/officers-training/?state=completed",
    ):
        audit.visit(path)

    # An answer without a decision; a refused nomination, then a refused file.
    audit.visit(f"/requests/{academy.request.pk}/")
    audit.submit("answer without a decision", "main form.account-form", status=400)
    audit.visit(f"/nominations/cohorts/{upcoming.pk}/")
    audit.page.locator("#id_officer").fill("2099000000")
    audit.submit(
        "nomination of an unknown officer", f"form[action='/nominations/cohorts/{upcoming.pk}/']"
    )
    audit.submit(
        "nominations, a refused file",
        "form[enctype='multipart/form-data']",
        file=(
            "nominations.csv",
            BAD_NOMINATIONS.replace(b"{wanjiku}", wanjiku.officer_profile.personal_number.encode()),
        ),
    )
    assert audit.page.locator(".import-report tbody tr").count() == 3
    audit.assert_clean()


@LOCALES
@SCREENS
def test_my_learning_with_a_result_meets_wcag_21_aa(sign_in, academy, wanjiku, locale, viewport):
    audit = Audit(sign_in(wanjiku, locale=locale, **VIEWPORTS[viewport]), locale, viewport)
    audit.visit("/my-learning/")
    completed = audit.page.locator("#learning-completed").locator("xpath=..")
    assert completed.locator(".card").count() == 1
    audit.assert_clean()

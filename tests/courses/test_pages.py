"""The home page, course pages and skill-area pages, in English and Kiswahili."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from courses.models import Cohort, Level
from enrollments.models import Enrollment
from tests.courses.conftest import cohort, fill
from tests.factories import CompetencyFactory, CourseFactory, SkillAreaFactory


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


# --- Home ---------------------------------------------------------------------------------------


def test_home_shows_the_skill_areas_with_their_published_course_counts(client, areas):
    _, data_area, management = areas
    CourseFactory.create_batch(2, skill_area=data_area)
    CourseFactory(skill_area=data_area, is_published=False)
    CourseFactory(skill_area=management)
    page = client.get(reverse("home")).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Digital Planning and Design Plan digital services" in text
    assert re.search(r"Data Use and Governance .*? 2 courses", text)
    assert re.search(r"Digital Management and Execution .*? 1 course\b", text)
    assert "0 courses" in text
    assert data_area.get_absolute_url() in page
    assert page.count("<h1") == 1


def test_home_lists_the_next_six_upcoming_cohorts(client, areas, kabete):
    course = CourseFactory(code="DPD-101", title="Service design")
    hidden = CourseFactory(code="DPD-999", title="Hidden", is_published=False)
    for n in range(8):
        cohort(course, starts_in=10 + n, campus=kabete, code=f"SOON-{n}")
    cohort(course, starts_in=1, online=True, code="DRAFT", status=Cohort.Status.DRAFT)
    cohort(course, starts_in=-3, campus=kabete, code="PAST")
    cohort(hidden, starts_in=2, campus=kabete, code="HIDDEN")
    full = cohort(course, starts_in=5, online=True, capacity=1, code="FULL")
    fill(full, 1)
    page = client.get(reverse("home")).content.decode()
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", page, flags=re.S)
    assert len(rows) == 6
    assert "Full \u2013 waiting list" in rows[0] and "Online" in rows[0]
    assert "Lower Kabete" in rows[1] and "25 seats left" in rows[1]
    assert "Hidden" not in page
    assert 'action="/courses/"' in page and 'name="q"' in page


def test_home_runs_the_same_queries_however_many_courses(client, make_catalogue):
    make_catalogue(3, prefix="FEW")
    few = count_queries(client, reverse("home"))
    make_catalogue(30, prefix="MORE")
    assert count_queries(client, reverse("home")) == few <= 3


# --- Course page --------------------------------------------------------------------------------


@pytest.fixture
def course(areas, kabete, ksg):
    _, data_area, _ = areas
    basics = CourseFactory(code="DUG-101", title="Data basics")
    draft = CourseFactory(code="DUG-102", title="Unreleased basics", is_published=False)
    course = CourseFactory(
        code="DUG-201",
        title="Data governance for leaders",
        summary="Own your department's data.",
        description="Registers and approvals.\n\nA second paragraph.",
        skill_area=data_area,
        competencies=[
            CompetencyFactory(skill_area=data_area, name="Data stewardship"),
            CompetencyFactory(skill_area=data_area, name="Privacy by design"),
        ],
        level=Level.ADVANCED,
        audience_min_job_group="M",
        audience_max_job_group="R",
        audience_note="Heads of department",
        duration_days=3,
        cpd_hours=18,
        pass_mark=60,
        min_attendance_percent=90,
        requires_approval=True,
        provider=ksg,
    )
    course.prerequisites.add(basics, draft)
    return course


def test_the_course_page_shows_everything_about_the_course(client, course):
    page = client.get(course.get_absolute_url()).content.decode()
    for fact in [
        "<h1>Data governance for leaders</h1>",
        "DUG-201",
        "Own your department&#x27;s data.",
        "<p>A second paragraph.</p>",
        "Data Use and Governance",
        "Data stewardship",
        "Privacy by design",
        "Advanced",
        "Job groups M to R: Heads of department",
        "In person",
        "3 days",
        "18",
        "Kenya School of Government",
        "English",
        "Attend at least 90% of the sessions and score at least 60% in the assessment.",
        "Your training officer approves each request to enrol.",
    ]:
        assert fact in page, fact
    assert '<a href="/courses/DUG-101/">DUG-101 Data basics</a>' in page
    assert "DUG-102 Unreleased basics" in page
    assert 'href="/courses/DUG-102/"' not in page


def test_a_course_without_assessment_or_approval_says_so(client, areas):
    course = CourseFactory(code="X-1", pass_mark=None, requires_approval=False)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Attend at least 80% of the sessions. There is no assessment." in page
    assert "No approval is needed to enrol." in page
    assert "No cohort of this course is scheduled at the moment." in page


def test_the_course_page_lists_upcoming_cohorts_with_seats_left(client, course, kabete):
    open_run = cohort(course, starts_in=30, campus=kabete, capacity=20, code="DUG-201-A")
    fill(open_run, 3)
    fill(open_run, 2, Enrollment.State.WAITLISTED)
    full = cohort(course, starts_in=60, online=True, capacity=2, code="DUG-201-B")
    fill(full, 1, Enrollment.State.COMPLETED)
    fill(full, 1, Enrollment.State.ENROLLED)
    cohort(course, starts_in=-30, campus=kabete, code="DUG-201-OLD")
    cohort(course, starts_in=90, campus=kabete, code="DUG-201-DRAFT", status=Cohort.Status.DRAFT)
    page = client.get(course.get_absolute_url()).content.decode()
    table = page[page.index("<table") : page.index("</table>")]
    assert "<caption>Upcoming cohorts of Data governance for leaders</caption>" in table
    rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)[1:]
    assert len(rows) == 2
    assert "DUG-201-A" in rows[0] and "Lower Kabete" in rows[0] and "17 seats left" in rows[0]
    assert "DUG-201-B" in rows[1] and "Online" in rows[1] and "Full \u2013 waiting list" in rows[1]
    assert '<th scope="col">Enrolment window</th>' in table
    assert "OLD" not in page and "DRAFT" not in page


@pytest.mark.parametrize("code", ["DUG-102", "NOPE-1"])
def test_an_unpublished_or_unknown_course_is_not_found(client, course, code):
    response = client.get(reverse("courses:course_detail", kwargs={"code": code}))
    assert response.status_code == 404


def test_the_course_page_runs_the_same_queries_for_3_or_30_cohorts(client, course, kabete):
    for n in range(3):
        fill(cohort(course, starts_in=10 + n, campus=kabete), 2)
    few = count_queries(client, course.get_absolute_url())
    for n in range(27):
        fill(cohort(course, starts_in=20 + n, online=True), 2)
    assert count_queries(client, course.get_absolute_url()) == few <= 4


# --- Skill area page ----------------------------------------------------------------------------


def test_the_skill_area_page_shows_its_competencies_and_courses_by_level(client, areas):
    _, data_area, management = areas
    CompetencyFactory(skill_area=data_area, name="Open data", slug="open-data")
    CompetencyFactory(skill_area=management, name="Vendor management", slug="vendors")
    for n in range(8):
        CourseFactory(code=f"F-{n}", title=f"Foundation {n}", skill_area=data_area)
    CourseFactory(code="A-1", title="Advanced one", skill_area=data_area, level=Level.ADVANCED)
    CourseFactory(code="M-1", title="Elsewhere", skill_area=management)
    page = client.get(data_area.get_absolute_url()).content.decode()
    assert "<h1>Data Use and Governance</h1>" in page
    assert "Use data well, and look after it." in page
    assert "Open data" in page and "Vendor management" not in page
    assert "/courses/?competency=open-data" in page
    assert "/courses/?skill_area=data-use-and-governance" in page
    headings = re.findall(r'<h3 id="level-(\w+)">', page)
    assert headings == ["foundation", "advanced"]
    assert page.count('<li class="card">') == 7
    assert "See all 8 Foundation courses" in page
    assert "skill_area=data-use-and-governance&amp;level=foundation" in page
    assert "Elsewhere" not in page


def test_an_alias_is_shown_on_its_skill_area_page(client, areas):
    page = client.get(areas[2].get_absolute_url()).content.decode()
    assert "Also known as: Digital Management and Delivery" in page


def test_an_unknown_skill_area_is_not_found(client, areas):
    assert client.get("/skill-areas/astrology/").status_code == 404


def test_the_skill_area_page_runs_the_same_queries_however_many_courses(client, make_catalogue):
    make_catalogue(3, prefix="FEW")
    url = reverse("courses:skill_area", kwargs={"slug": "data-use-and-governance"})
    few = count_queries(client, url)
    make_catalogue(30, prefix="MORE")
    assert count_queries(client, url) == few <= 4


# --- Kiswahili ----------------------------------------------------------------------------------


def test_skill_areas_take_their_kiswahili_names_when_kiswahili_is_chosen(client, areas):
    CourseFactory(code="DUG-1", skill_area=areas[1])
    client.cookies["django_language"] = "sw"
    home = client.get(reverse("home")).content.decode()
    assert '<html lang="sw">' in home
    assert "Matumizi na Utawala wa Data" in home
    assert "Tumia data vizuri, na uitunze." in home
    assert "Data Use and Governance" not in home
    area = client.get(areas[1].get_absolute_url()).content.decode()
    assert "<h1>Matumizi na Utawala wa Data</h1>" in area
    catalogue = client.get(reverse("courses:catalogue")).content.decode()
    assert "Matumizi na Utawala wa Data" in catalogue


def test_a_skill_area_without_a_kiswahili_name_keeps_its_english_one(db):
    area = SkillAreaFactory(name="Emerging technology", name_sw="", summary="New things.")
    with translation.override("sw"):
        assert area.local_name == "Emerging technology"
        assert area.local_summary == "New things."
    with translation.override("en"):
        assert SkillAreaFactory(name="Data", name_sw="Data (sw)").local_name == "Data"


# --- Markup every page shares -------------------------------------------------------------------


@pytest.mark.parametrize("page", ["home", "catalogue", "course", "skill_area"])
def test_pages_keep_to_the_csp_and_have_one_heading_and_described_tables(
    client, course, kabete, page
):
    cohort(course, starts_in=10, campus=kabete)
    url = {
        "home": reverse("home"),
        "catalogue": reverse("courses:catalogue"),
        "course": course.get_absolute_url(),
        "skill_area": course.skill_area.get_absolute_url(),
    }[page]
    html = client.get(url).content.decode()
    assert " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert html.count("<h1") == 1
    assert html.count("<table") == html.count("<caption>")
    headers = re.findall(r"<th(?:\s[^>]*)?>", html)
    assert all("scope=" in th for th in headers)

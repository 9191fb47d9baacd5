"""The officer's pages: enrol from the course page, "My learning", withdraw."""

import pytest
from django.urls import reverse

from academy.models import AuditEvent
from enrollments.models import Enrollment
from tests.courses.conftest import cohort, fill
from tests.factories import CourseFactory, SkillAreaFactory

State = Enrollment.State


@pytest.fixture
def course(ksg):
    area = SkillAreaFactory(slug="data", name="Data Use and Governance")
    return CourseFactory(
        code="DUG-201",
        title="Data Governance for Public Officers",
        skill_area=area,
        provider=ksg,
        cpd_hours=30,
    )


@pytest.fixture
def open_cohort(course):
    return cohort(course, starts_in=30, capacity=2, code="DUG-201-C1")


def enrol(client, run):
    return client.post(reverse("enrollments:enrol", args=[run.pk]))


def test_the_course_page_offers_sign_in_to_the_anonymous(client, open_cohort):
    page = client.get(open_cohort.course.get_absolute_url()).content.decode()
    assert "Sign in to enrol" in page
    assert reverse("enrollments:enrol", args=[open_cohort.pk]) not in page


def test_an_officer_enrols_from_the_course_page(client, wanjiku, open_cohort):
    client.force_login(wanjiku)
    page = client.get(open_cohort.course.get_absolute_url()).content.decode()
    assert reverse("enrollments:enrol", args=[open_cohort.pk]) in page

    response = enrol(client, open_cohort)

    assert response.status_code == 302
    assert response.url == reverse("enrollments:my_learning")
    enrollment = Enrollment.objects.get(officer=wanjiku, cohort=open_cohort)
    assert enrollment.state == State.ENROLLED
    learning = client.get(response.url).content.decode()
    assert "You are enrolled in cohort DUG-201-C1." in learning
    assert "Data Governance for Public Officers" in learning
    page = client.get(open_cohort.course.get_absolute_url()).content.decode()
    assert "Enrolled" in page


def test_a_full_cohort_puts_the_officer_on_the_waiting_list(client, wanjiku, open_cohort):
    fill(open_cohort, 2)
    client.force_login(wanjiku)
    page = client.get(open_cohort.course.get_absolute_url()).content.decode()
    assert "Join the waiting list" in page

    response = enrol(client, open_cohort)

    learning = client.get(response.url).content.decode()
    assert "you are number 1 on its waiting list" in learning
    assert "Waiting list: number 1" in learning


def test_enrolling_twice_changes_nothing(client, wanjiku, open_cohort):
    client.force_login(wanjiku)
    enrol(client, open_cohort)
    response = enrol(client, open_cohort)
    assert Enrollment.objects.filter(officer=wanjiku).count() == 1
    assert "nothing changed" in client.get(response.url).content.decode()


def test_a_refusal_is_explained_on_the_course_page(client, otieno, course):
    run = cohort(course, starts_in=30, code="DUG-201-C2")
    course.audience_min_job_group = "P"
    course.save()
    client.force_login(otieno)
    response = enrol(client, run)
    assert response.status_code == 302
    assert response.url.startswith(course.get_absolute_url())
    page = client.get(response.url).content.decode()
    assert "This course is for job groups P to" in page
    assert not Enrollment.objects.exists()


def test_enrolling_needs_a_sign_in_and_a_post(client, wanjiku, open_cohort):
    url = reverse("enrollments:enrol", args=[open_cohort.pk])
    assert client.post(url).url.startswith(reverse("account_login"))
    client.force_login(wanjiku)
    assert client.get(url).status_code == 405
    assert not Enrollment.objects.exists()


def test_a_draft_cohort_is_not_found(client, wanjiku, course):
    draft = cohort(course, starts_in=30, code="DUG-201-D", status="draft")
    client.force_login(wanjiku)
    assert enrol(client, draft).status_code == 404


def test_an_officer_withdraws_and_the_first_in_line_is_promoted(
    client, wanjiku, otieno, open_cohort
):
    fill(open_cohort, 1)
    client.force_login(wanjiku)
    enrol(client, open_cohort)
    client.force_login(otieno)
    enrol(client, open_cohort)
    assert Enrollment.objects.get(officer=otieno).state == State.WAITLISTED
    client.force_login(wanjiku)
    mine = Enrollment.objects.get(officer=wanjiku)
    url = reverse("enrollments:withdraw", args=[mine.pk])

    form = client.get(url).content.decode()
    refused = client.post(url, {"reason": "  "}).content.decode()
    assert "Withdraw from cohort DUG-201-C1" in form
    assert "Say why you are withdrawing." in refused
    assert Enrollment.objects.get(pk=mine.pk).state == State.ENROLLED

    response = client.post(url, {"reason": "Posted to a county office"})

    assert response.url == reverse("enrollments:my_learning")
    assert Enrollment.objects.get(pk=mine.pk).state == State.WITHDRAWN
    assert Enrollment.objects.get(officer=otieno).state == State.ENROLLED
    assert AuditEvent.objects.filter(action="enrollments.enrollment.withdrawn").count() == 1


def test_someone_elses_enrolment_cannot_be_withdrawn(client, wanjiku, otieno, open_cohort):
    client.force_login(otieno)
    enrol(client, open_cohort)
    theirs = Enrollment.objects.get(officer=otieno)
    client.force_login(wanjiku)
    url = reverse("enrollments:withdraw", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "mischief"}).status_code == 404
    assert Enrollment.objects.get(pk=theirs.pk).state == State.ENROLLED


def test_my_learning_shows_only_my_own_and_totals_cpd_hours(client, wanjiku, otieno, course):
    done = cohort(course, starts_in=-60, code="DUG-201-OLD", status="closed")
    Enrollment.objects.create(officer=wanjiku, cohort=done, state=State.COMPLETED)
    other = cohort(course, starts_in=20, code="DUG-201-OTH")
    Enrollment.objects.create(officer=otieno, cohort=other, state=State.ENROLLED)
    client.force_login(wanjiku)
    page = client.get(reverse("enrollments:my_learning")).content.decode()
    assert "DUG-201-OLD" in page
    assert "DUG-201-OTH" not in page
    assert "You have earned 30 CPD hours" in page


def test_my_learning_needs_a_sign_in(client, db):
    response = client.get(reverse("enrollments:my_learning"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))

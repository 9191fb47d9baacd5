"""Training officers nominate officers of their organisation (and its departments) into cohorts,
one by one or from a CSV file of personal numbers; nobody outside it can be named, and whether
they exist elsewhere is never confirmed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from academy.models import AuditEvent
from courses.models import Cohort
from enrollments import imports
from enrollments.models import Enrollment
from tests.courses.conftest import cohort, days, fill
from tests.enrollments.conftest import enrolled, make_officer, snapshot, waiting_list
from tests.factories import CourseFactory, EnrollmentFactory, SkillAreaFactory

State = Enrollment.State
COHORTS = reverse("enrollments:nominate_cohorts")


def nominate_url(cohort_):
    return reverse("enrollments:nominate", args=[cohort_.pk])


def upload_url(cohort_):
    return reverse("enrollments:nominate_upload", args=[cohort_.pk])


def csv_upload(content, name="nominations.csv"):
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def hr(client, hr_ict):
    client.force_login(hr_ict)
    return client


@pytest.fixture
def ict_officers(state_department_ict):
    """Three officers of the State Department for ICT, under hr_ict's ministry."""
    return [make_officer(n, organisation=state_department_ict) for n in range(1, 4)]


def nominate(client, cohort_, officer):
    return client.post(nominate_url(cohort_), {"officer": officer})


def upload(client, cohort_, content):
    return client.post(upload_url(cohort_), {"file": csv_upload(content)})


def numbers(*officers) -> str:
    return "personal_number\n" + "".join(f"{o.officer_profile.personal_number}\n" for o in officers)


# --- Access --------------------------------------------------------------------------------


def test_the_anonymous_are_sent_to_sign_in(client, run):
    for response in (
        client.get(COHORTS),
        client.get(nominate_url(run)),
        nominate(client, run, "2019001234"),
        upload(client, run, "personal_number\n2019001234\n"),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "persona", ["wanjiku", "otieno", "ksg_staff", "trainer", "huawei_reviewer"]
)
def test_only_training_officers_nominate(client, request, run, wanjiku, persona):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    assert client.get(COHORTS).status_code == 403
    assert client.get(nominate_url(run)).status_code == 403
    assert nominate(client, run, "2019001234").status_code == 403
    assert upload(client, run, "personal_number\n2019001234\n").status_code == 403
    assert snapshot() == before


def test_the_menu_links_to_nominations_for_training_officers_only(client, hr_ict, wanjiku):
    client.force_login(hr_ict)
    assert COHORTS in client.get(reverse("home")).content.decode()
    assert COHORTS in client.get(reverse("enrollments:officers_training")).content.decode()
    client.force_login(wanjiku)
    assert COHORTS not in client.get(reverse("home")).content.decode()


def test_a_draft_cohort_is_not_found(hr, course):
    draft = cohort(course, code="DUG-201-DRAFT", status=Cohort.Status.DRAFT)
    assert hr.get(nominate_url(draft)).status_code == 404
    assert nominate(hr, draft, "2019001234").status_code == 404


# --- Choosing a cohort ---------------------------------------------------------------------


def test_the_list_shows_cohorts_taking_enrolments_only(hr, course):
    open_ = cohort(course, starts_in=30, code="DUG-201-OPEN")
    cohort(course, starts_in=30, code="DUG-201-DRAFT", status=Cohort.Status.DRAFT)
    cohort(
        course,
        starts_in=2,
        code="DUG-201-CLOSED",
        enrolment_opens_on=days(-20),
        enrolment_closes_on=days(-1),
    )
    cohort(course, starts_in=60, code="DUG-201-LATER", enrolment_opens_on=days(5))
    hidden = CourseFactory(code="HID-101", skill_area=course.skill_area, is_published=False)
    cohort(hidden, code="HID-101-C1")

    page = hr.get(COHORTS).content.decode()

    assert "DUG-201-OPEN" in page
    assert nominate_url(open_) in page
    for code in ("DUG-201-DRAFT", "DUG-201-CLOSED", "DUG-201-LATER", "HID-101-C1"):
        assert code not in page


def test_searching_cohorts(hr, course, ksg):
    other = CourseFactory(
        code="CYB-101", title="Cyber Hygiene", skill_area=course.skill_area, provider=ksg
    )
    cohort(course, code="DUG-201-C1")
    cohort(other, code="CYB-101-C1")
    assert [c.code for c in hr.get(COHORTS, {"q": "cyber"}).context["page"]] == ["CYB-101-C1"]
    assert [c.code for c in hr.get(COHORTS, {"q": "dug-201"}).context["page"]] == ["DUG-201-C1"]
    page = hr.get(COHORTS, {"q": "nothing like it"}).content.decode()
    assert "No cohort taking enrolments matches this search." in page


def test_the_list_is_paginated_with_constant_queries(hr, course, django_assert_max_num_queries):
    for n in range(27):
        cohort(course, starts_in=20 + n, code=f"P-{n:02d}")
    with django_assert_max_num_queries(8):
        first = hr.get(COHORTS)
    assert len(first.context["page"].object_list) == 25
    assert "?page=2" in first.content.decode()
    with django_assert_max_num_queries(8):
        second = hr.get(COHORTS, {"page": 2, "q": "P-"})
    assert [c.code for c in second.context["page"].object_list] == ["P-25", "P-26"]
    assert "?q=P-&amp;page=1" in second.content.decode()


# --- One officer ---------------------------------------------------------------------------


def test_the_ministrys_training_officer_nominates_an_officer_of_a_department(
    hr, hr_ict, wanjiku, run
):
    response = nominate(hr, run, "2019001234")

    assert response.status_code == 302
    enrollment = Enrollment.objects.get(officer=wanjiku, cohort=run)
    assert enrollment.state == State.ENROLLED
    assert enrollment.created_by == hr_ict
    event = AuditEvent.objects.get(action="enrollments.enrollment.enrolled")
    assert event.actor == hr_ict
    page = hr.get(response.url).content.decode()
    assert "Wanjiku Kamau is enrolled in cohort DUG-201-C1." in page
    assert "Your officers in this cohort" in page and "2019001234" in page


def test_nominating_by_e_mail(hr, wanjiku, run):
    assert nominate(hr, run, " Wanjiku@ICT.demo.go.ke ").status_code == 302
    assert enrolled(run) == {wanjiku.pk}


def test_another_ministrys_training_officer_cannot_nominate_outside_their_organisation(
    client, hr_treasury, wanjiku, run
):
    client.force_login(hr_treasury)
    before = snapshot()

    outside = nominate(client, run, "2019001234")
    unknown = nominate(client, run, "2000000000")
    by_email = nominate(client, run, wanjiku.email)

    assert snapshot() == before
    assert outside.status_code == unknown.status_code == by_email.status_code == 400
    message = "No officer with this personal number in your organisation."
    assert message in outside.content.decode()
    assert message in unknown.content.decode()
    assert "No officer with this e-mail address in your organisation." in (
        by_email.content.decode()
    )
    assert "Wanjiku" not in outside.content.decode()


def test_a_training_officer_of_a_department_cannot_nominate_at_the_ministry(
    client, state_department_ict, ministry_ict, run
):
    from tests.factories import MembershipFactory, UserFactory

    department_hr = UserFactory(email="hr@sd-ict.demo.go.ke")
    MembershipFactory(
        user=department_hr, role="training_officer", organisation=state_department_ict
    )
    at_ministry = make_officer(70, organisation=ministry_ict)
    client.force_login(department_hr)
    before = snapshot()
    response = nominate(client, run, at_ministry.officer_profile.personal_number)
    assert "No officer with this personal number in your organisation." in (
        response.content.decode()
    )
    assert snapshot() == before


def test_nomination_is_the_approval(hr, ksg, wanjiku):
    course = CourseFactory(
        code="DME-301",
        skill_area=SkillAreaFactory(slug="mgmt"),
        provider=ksg,
        requires_approval=True,
    )
    run_ = cohort(course, capacity=1, code="DME-301-C1")
    page = hr.get(nominate_url(run_)).content.decode()
    assert "your nomination gives it" in page
    assert nominate(hr, run_, "2019001234").status_code == 302
    assert Enrollment.objects.get(officer=wanjiku, cohort=run_).state == State.ENROLLED


def test_a_full_cohort_puts_the_nominee_on_the_waiting_list(hr, wanjiku, run):
    fill(run, 3)
    response = nominate(hr, run, "2019001234")
    assert waiting_list(run) == [(wanjiku.pk, 1)]
    page = hr.get(response.url).content.decode()
    assert "Cohort DUG-201-C1 is full: Wanjiku Kamau is number 1 on its waiting list." in page


def test_a_rule_refuses_with_its_reason(hr, state_department_ict, run):
    senior = make_officer(80, job_group="P", organisation=state_department_ict)
    before = snapshot()
    response = nominate(hr, run, senior.officer_profile.personal_number)
    assert response.status_code == 400
    assert escape("This course is for job groups J to M; the officer's is P.") in (
        response.content.decode()
    )
    assert snapshot() == before


def test_nominating_someone_already_in_the_cohort_changes_nothing(hr, wanjiku, run):
    EnrollmentFactory(officer=wanjiku, cohort=run, state=State.REQUESTED)
    before = snapshot()
    response = nominate(hr, run, "2019001234")
    assert response.status_code == 400
    assert "Wanjiku Kamau is already in this cohort (requested)." in response.content.decode()
    assert snapshot() == before


def test_an_empty_nomination_is_an_error(hr, run):
    response = nominate(hr, run, "  ")
    assert response.status_code == 400
    assert "Enter the officer&#x27;s personal number or e-mail address." in (
        response.content.decode()
    )


def test_the_page_lists_only_the_training_officers_own_officers(
    hr, wanjiku, otieno, run, state_department_ict, django_assert_max_num_queries
):
    EnrollmentFactory(officer=wanjiku, cohort=run, state=State.ENROLLED)
    EnrollmentFactory(officer=otieno, cohort=run, state=State.ENROLLED)
    with django_assert_max_num_queries(12):
        page = hr.get(nominate_url(run)).content.decode()
    assert "Wanjiku Kamau" in page
    assert "Otieno" not in page

    for n in range(30):
        EnrollmentFactory(
            officer=make_officer(200 + n, organisation=state_department_ict),
            cohort=run,
            state=State.WAITLISTED,
            waitlist_position=n + 1,
        )
    with django_assert_max_num_queries(12):
        response = hr.get(nominate_url(run))
    assert len(response.context["page"].object_list) == 25
    # The page's links lead to the page itself, even when it answers a refused upload.
    refused = upload(hr, run, "personal_number\nNOBODY\n")
    assert f'href="{nominate_url(run)}?page=2"' in refused.content.decode()


# --- A file of personal numbers --------------------------------------------------------------


def test_a_file_of_personal_numbers_nominates_in_file_order(
    hr, hr_ict, run, ict_officers, wanjiku, django_capture_on_commit_callbacks, mailoutbox
):
    people = [ict_officers[2], wanjiku, ict_officers[0], ict_officers[1]]
    content = numbers(*people)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(hr, run, content)

    assert response.status_code == 302
    assert enrolled(run) == {o.pk for o in people[:3]}
    assert waiting_list(run) == [(people[3].pk, 1)]
    assert len(mailoutbox) == 4
    event = AuditEvent.objects.get(action="enrollments.cohort.bulk_nominated")
    assert event.actor == hr_ict
    assert (event.data["enrolled"], event.data["waitlisted"], event.data["rows"]) == (3, 1, 4)
    assert event.data["file"] == "nominations.csv"
    page = hr.get(response.url).content.decode()
    assert "nominations.csv: 3 enrolled, 1 on the waiting list." in page


def test_a_file_naming_someone_outside_the_organisation_saves_nothing(
    hr, run, ict_officers, otieno, django_capture_on_commit_callbacks, mailoutbox
):
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(hr, run, numbers(ict_officers[0], otieno, ict_officers[1]))
    assert response.status_code == 400
    assert snapshot() == before
    assert callbacks == [] and mailoutbox == []
    assert [(p.line, p.code) for p in response.context["problems"]] == [(3, "unknown_officer")]
    page = response.content.decode()
    assert "No officer with this personal number in your organisation." in page
    assert "Otieno" not in page


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("email\nwanjiku@ict.demo.go.ke\n", "header"),
        ("personal_number\n", "no_rows"),
        ("", "empty"),
        ("personal_number\n2019001234\n2019001234\n", "duplicate"),
        ("personal_number\n\"=cmd|' /C calc'!A0\"\n", "unknown_officer"),
    ],
)
def test_bad_files_are_reported_and_save_nothing(hr, run, wanjiku, content, code):
    before = snapshot()
    response = upload(hr, run, content)
    assert response.status_code == 400
    assert code in {p.code for p in response.context["problems"]}
    assert "Nothing was saved" in response.content.decode()
    assert snapshot() == before


def test_a_file_with_a_row_a_rule_refuses_saves_nothing(hr, run, wanjiku, state_department_ict):
    senior = make_officer(90, job_group="P", organisation=state_department_ict)
    before = snapshot()
    response = upload(hr, run, numbers(wanjiku, senior))
    assert [(p.line, p.code) for p in response.context["problems"]] == [(3, "audience")]
    assert snapshot() == before


def test_officer_nominate_service(hr_ict, hr_treasury, wanjiku, run):
    from enrollments.services import EnrolmentRefused

    with pytest.raises(EnrolmentRefused) as refusal:
        imports.officer_nominate(cohort=run, by=hr_treasury, officer="2019001234")
    assert refusal.value.code == "unknown_officer"
    enrollment = imports.officer_nominate(cohort=run, by=hr_ict, officer="2019001234")
    assert (enrollment.officer, enrollment.state) == (wanjiku, State.ENROLLED)

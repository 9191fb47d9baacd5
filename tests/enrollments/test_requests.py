"""Courses that need approval: the request goes to the officer's training officer, who approves
or declines with a reason; nobody else sees or answers it."""

import pytest
from django.urls import reverse

from enrollments import services
from enrollments.models import Enrollment
from tests.courses.conftest import cohort, fill
from tests.factories import CourseFactory, SkillAreaFactory

State = Enrollment.State


@pytest.fixture
def run(ksg):
    area = SkillAreaFactory(slug="management", name="Digital Management and Execution")
    course = CourseFactory(
        code="DME-301",
        title="Digital Leadership for Senior Public Servants",
        skill_area=area,
        provider=ksg,
        requires_approval=True,
    )
    return cohort(course, starts_in=30, capacity=1, code="DME-301-C1")


@pytest.fixture
def request_(run, wanjiku):
    result = services.enrollment_create(officer=wanjiku, cohort=run)
    assert result.enrollment.state == State.REQUESTED
    return result.enrollment


def test_the_officer_sees_the_request_is_with_the_training_officer(client, wanjiku, run):
    client.force_login(wanjiku)
    response = client.post(reverse("enrollments:enrol", args=[run.pk]))
    page = client.get(response.url).content.decode()
    assert "has gone to your training officer for approval" in page
    assert "Waiting for your training officer" in page


def test_the_training_officer_of_the_parent_ministry_sees_it(client, hr_ict, request_):
    client.force_login(hr_ict)
    page = client.get(reverse("enrollments:requests")).content.decode()
    assert "Wanjiku Kamau" in page
    assert reverse("enrollments:decide", args=[request_.pk]) in page
    assert "Our officers" in client.get(reverse("home")).content.decode()


def test_another_ministrys_training_officer_sees_nothing(client, hr_treasury, request_):
    client.force_login(hr_treasury)
    page = client.get(reverse("enrollments:requests")).content.decode()
    assert "Wanjiku Kamau" not in page
    assert "No request is waiting for your answer." in page
    url = reverse("enrollments:decide", args=[request_.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert Enrollment.objects.get(pk=request_.pk).state == State.REQUESTED


@pytest.mark.parametrize("persona", ["wanjiku", "otieno", "ksg_staff", "huawei_reviewer"])
def test_people_who_are_not_training_officers_are_refused(client, request, request_, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("enrollments:requests")).status_code == 403
    assert client.get(reverse("enrollments:decide", args=[request_.pk])).status_code == 403


def test_approving_gives_the_seat(client, hr_ict, request_):
    client.force_login(hr_ict)
    response = client.post(
        reverse("enrollments:decide", args=[request_.pk]), {"decision": "approve"}
    )
    assert response.url == reverse("enrollments:requests")
    assert Enrollment.objects.get(pk=request_.pk).state == State.ENROLLED
    assert "You approved Wanjiku Kamau" in client.get(response.url).content.decode()


def test_approving_when_the_cohort_filled_up_puts_the_officer_in_line(hr_ict, request_, run):
    fill(run, 1)
    services.enrollment_decide(enrollment=request_, by=hr_ict, approve=True)
    request_.refresh_from_db()
    assert request_.state == State.WAITLISTED
    assert request_.waitlist_position == 1


def test_declining_needs_a_reason_which_the_officer_sees(client, hr_ict, wanjiku, request_):
    client.force_login(hr_ict)
    url = reverse("enrollments:decide", args=[request_.pk])
    refused = client.post(url, {"decision": "decline", "reason": " "})
    assert refused.status_code == 400
    assert "Say why you decline" in refused.content.decode()
    assert Enrollment.objects.get(pk=request_.pk).state == State.REQUESTED

    client.post(url, {"decision": "decline", "reason": "Not in this year's training plan"})

    assert Enrollment.objects.get(pk=request_.pk).state == State.DECLINED
    client.force_login(wanjiku)
    page = client.get(reverse("enrollments:my_learning")).content.decode()
    assert "Declined" in page
    assert "Not in this year&#x27;s training plan" in page


def test_an_answer_without_a_choice_links_its_error_to_the_first_choice(client, hr_ict, request_):
    client.force_login(hr_ict)
    refused = client.post(reverse("enrollments:decide", args=[request_.pk]), {"reason": ""})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'href="#id_decision_0"' in page and 'id="id_decision_0"' in page
    assert Enrollment.objects.get(pk=request_.pk).state == State.REQUESTED


def test_a_request_is_answered_once(hr_ict, request_):
    services.enrollment_decide(enrollment=request_, by=hr_ict, approve=True)
    with pytest.raises(services.EnrolmentRefused) as refused:
        services.enrollment_decide(enrollment=request_, by=hr_ict, approve=False, reason="No")
    assert refused.value.code == "already_decided"
    assert Enrollment.objects.get(pk=request_.pk).state == State.ENROLLED

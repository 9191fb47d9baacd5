"""The e-mails an officer gets when their enrolment changes: sent after commit, once, in the
officer's own language, with nothing escaped for HTML in the text part."""

import pytest

from enrollments import services
from enrollments.models import Enrollment
from tests.courses.conftest import cohort
from tests.factories import CourseFactory, SkillAreaFactory

State = Enrollment.State


@pytest.fixture
def run(ksg):
    area = SkillAreaFactory(slug="data", name="Data Use and Governance")
    course = CourseFactory(
        code="DUG-201", title="Officers' Data Governance", skill_area=area, provider=ksg
    )
    return cohort(course, starts_in=30, capacity=1, code="DUG-201-C1")


def test_enrolling_sends_one_email_after_commit(
    run, wanjiku, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.enrollment_create(officer=wanjiku, cohort=run)
    assert mailoutbox == [], "nothing is sent before the transaction commits"
    for callback in callbacks:
        callback()
    (message,) = mailoutbox
    assert message.to == ["wanjiku@ict.demo.go.ke"]
    assert message.subject == "You are enrolled: Officers' Data Governance"
    assert "You have a seat in cohort DUG-201-C1 of Officers' Data Governance." in message.body
    assert "&#x27;" not in message.body
    html = message.alternatives[0][0]
    assert "Officers&#x27; Data Governance" in html
    assert "http://127.0.0.1:8000/my-learning/" in message.body


def test_a_rolled_back_enrolment_tells_nobody(
    run, wanjiku, mailoutbox, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.enrollment_create(officer=wanjiku, cohort=run)
        raise RuntimeError("something later in the same transaction failed")
    assert mailoutbox == []
    assert not Enrollment.objects.exists()


def test_waiting_promotion_and_withdrawal_each_send_theirs(
    run, wanjiku, otieno, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.enrollment_create(officer=otieno, cohort=run).enrollment
        services.enrollment_create(officer=wanjiku, cohort=run)
        services.enrollment_withdraw(enrollment=first, by=otieno, reason="Transferred")
    subjects = [(m.to[0], m.subject) for m in mailoutbox]
    assert subjects == [
        ("otieno@treasury.demo.go.ke", "You are enrolled: Officers' Data Governance"),
        ("wanjiku@ict.demo.go.ke", "On the waiting list: Officers' Data Governance"),
        ("otieno@treasury.demo.go.ke", "Withdrawn: Officers' Data Governance"),
        ("wanjiku@ict.demo.go.ke", "A seat is yours: Officers' Data Governance"),
    ]
    assert "number 1 on its waiting list" in mailoutbox[1].body
    assert "Reason given: Transferred" in mailoutbox[2].body


def test_an_answer_to_a_request_is_sent(
    run, wanjiku, hr_ict, mailoutbox, django_capture_on_commit_callbacks
):
    run.course.requires_approval = True
    run.course.save()
    with django_capture_on_commit_callbacks(execute=True):
        request_ = services.enrollment_create(officer=wanjiku, cohort=run).enrollment
        assert mailoutbox == [], "a request is answered, not acknowledged, by e-mail"
        services.enrollment_decide(
            enrollment=request_, by=hr_ict, approve=False, reason="Not in this year's plan"
        )
    (message,) = mailoutbox
    assert message.subject == "Request declined: Officers' Data Governance"
    assert "“Not in this year's plan”" in message.body


def test_the_email_is_in_the_officers_language(
    run, wanjiku, mailoutbox, django_capture_on_commit_callbacks
):
    wanjiku.preferred_language = "sw"
    wanjiku.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(officer=wanjiku, cohort=run)
    (message,) = mailoutbox
    assert message.subject.startswith("Umesajiliwa")
    assert "Mpendwa Wanjiku Kamau," in message.body


def test_a_reason_is_escaped_in_the_html_part(
    run, wanjiku, otieno, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mine = services.enrollment_create(officer=wanjiku, cohort=run).enrollment
        services.enrollment_withdraw(enrollment=mine, by=wanjiku, reason="<b>ill</b>")
    withdrawn = mailoutbox[-1]
    assert "Reason given: <b>ill</b>" in withdrawn.body
    assert "&lt;b&gt;ill&lt;/b&gt;" in withdrawn.alternatives[0][0]

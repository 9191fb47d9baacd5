"""The enrolment page of staff: who may see it, and the history of changes it shows."""

from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from enrollments import services
from enrollments.notifications import send_pending_notifications
from tests.courses.conftest import cohort
from tests.enrollments.conftest import make_officer


def page_url(enrollment):
    return reverse("enrollments:staff_enrollment", args=[enrollment.pk])


@pytest.fixture
def taken(run, ksg_staff):
    """Officer 1 withdrawn by staff; officer 2 promoted into the freed seat."""
    run.capacity = 1
    run.save()
    first, second = make_officer(1), make_officer(2)
    services.enrollment_create(officer=first, cohort=run)
    waiting = services.enrollment_create(officer=second, cohort=run).enrollment
    mine = first.enrollments.get()
    services.enrollment_withdraw(enrollment=mine, by=ksg_staff, reason="Posted to Mombasa")
    waiting.refresh_from_db()
    return mine, waiting


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("ksg_staff", 200),
        ("trainer", 200),  # facilitates the cohort (below)
        ("wanjiku", 403),
        ("hr_ict", 403),
        ("huawei_reviewer", 403),
    ],
)
def test_who_may_see_an_enrolment(client, request, run, taken, trainer, persona, status):
    run.facilitators.add(trainer)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_url(taken[1])).status_code == status


def test_anonymous_is_sent_to_sign_in(client, taken):
    response = client.get(page_url(taken[0]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_facilitator_of_another_cohort_is_denied(client, course, taken, trainer):
    cohort(course, starts_in=60, code="DUG-201-C9").facilitators.add(trainer)
    client.force_login(trainer)
    assert client.get(page_url(taken[0])).status_code == 404


def test_history_shows_each_change_with_who_and_why(client, ksg_staff, taken):
    withdrawn, promoted = taken
    client.force_login(ksg_staff)
    page = client.get(page_url(withdrawn)).content.decode()
    assert "Given a seat" in page
    assert "Withdrawn" in page and "Enrolled → Withdrawn" in page
    assert "Reason: Posted to Mombasa" in page
    assert f"By {ksg_staff.full_name}" in page
    promoted_page = client.get(page_url(promoted)).content.decode()
    assert "Put on the waiting list" in promoted_page
    assert "Waiting list → Enrolled" in promoted_page


def test_the_page_lists_the_emails_sent_and_those_still_owed(client, ksg_staff, taken):
    promoted = taken[1]
    client.force_login(ksg_staff)
    page = client.get(page_url(promoted)).content.decode()
    assert "E-mails to the officer" in page
    assert page.count("Pending") == 2  # waiting list, then promoted: nothing sent yet

    with mock.patch.object(mail.EmailMultiAlternatives, "send", side_effect=OSError("down")):
        send_pending_notifications()
    page = client.get(page_url(promoted)).content.decode()
    assert page.count("Pending · 1 failed attempt") == 2

    send_pending_notifications()
    page = client.get(page_url(promoted)).content.decode()
    assert "Waiting list" in page and "Promoted from the waiting list" in page
    assert page.count("Sent ") == 2


def test_roster_links_each_officer_to_their_enrolment(client, ksg_staff, run, taken):
    client.force_login(ksg_staff)
    page = client.get(reverse("enrollments:staff_roster", args=[run.pk])).content.decode()
    assert page_url(taken[0]) in page and page_url(taken[1]) in page


def test_enrolment_page_queries_do_not_grow_with_history(
    client, ksg_staff, taken, django_assert_max_num_queries
):
    client.force_login(ksg_staff)
    with django_assert_max_num_queries(12):
        assert client.get(page_url(taken[0])).status_code == 200

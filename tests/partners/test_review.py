"""Reviewing deliverables: the responsible side submits, the other side reviews; every step is
in the thread and the audit trail; illegal steps are refused with a reason."""

import pytest

from academy.models import AuditEvent
from partners import services
from partners.models import Agreement, Deliverable, Review

ReviewState = Deliverable.ReviewState
pytestmark = pytest.mark.django_db


def refused(call) -> services.PartnerRefused:
    with pytest.raises(services.PartnerRefused) as caught:
        call()
    return caught.value


def test_huawei_reviews_ksgs_deliverable(ksg_deliverable, ksg_staff, huawei_reviewer):
    d = services.deliverable_submit(
        deliverable=ksg_deliverable, by=ksg_staff, comment="Cohort held."
    )
    assert d.review_state == ReviewState.SUBMITTED
    d = services.deliverable_start_review(deliverable=d, by=huawei_reviewer)
    assert d.review_state == ReviewState.IN_REVIEW
    d = services.deliverable_request_changes(
        deliverable=d, by=huawei_reviewer, reason="Attach the attendance list."
    )
    assert d.review_state == ReviewState.CHANGES_REQUESTED
    services.deliverable_comment(deliverable=d, by=ksg_staff, comment="Attached now.")
    d = services.deliverable_submit(deliverable=d, by=ksg_staff)
    d = services.deliverable_accept(deliverable=d, by=huawei_reviewer, comment="Thank you.")
    assert d.review_state == ReviewState.ACCEPTED

    thread = list(d.reviews.values_list("decision", "author__email", "comment"))
    assert thread == [
        ("submitted", "staff@ksg.demo.ac.ke", "Cohort held."),
        ("review_started", "reviewer@huawei.demo.co.ke", ""),
        ("changes_requested", "reviewer@huawei.demo.co.ke", "Attach the attendance list."),
        ("comment", "staff@ksg.demo.ac.ke", "Attached now."),
        ("submitted", "staff@ksg.demo.ac.ke", ""),
        ("accepted", "reviewer@huawei.demo.co.ke", "Thank you."),
    ]
    events = AuditEvent.objects.filter(target_id=str(d.pk), action__startswith="partners.")
    assert events.count() == 6
    change = events.get(action="partners.deliverable.changes_requested")
    assert change.data == {
        "from": "in_review",
        "to": "changes_requested",
        "reason": "Attach the attendance list.",
    }


def test_ksg_staff_review_huaweis_own_deliverable(huawei_deliverable, ksg_staff, huawei_reviewer):
    assert (
        refused(
            lambda: services.deliverable_submit(deliverable=huawei_deliverable, by=ksg_staff)
        ).code
        == "not_responsible"
    )
    d = services.deliverable_submit(deliverable=huawei_deliverable, by=huawei_reviewer)
    assert (
        refused(lambda: services.deliverable_accept(deliverable=d, by=huawei_reviewer)).code
        == "not_reviewer"
    )
    d = services.deliverable_accept(deliverable=d, by=ksg_staff)
    assert d.review_state == ReviewState.ACCEPTED


def test_the_responsible_side_does_not_accept_its_own_work(ksg_deliverable, ksg_staff):
    services.deliverable_submit(deliverable=ksg_deliverable, by=ksg_staff)
    refusal = refused(
        lambda: services.deliverable_accept(deliverable=ksg_deliverable, by=ksg_staff)
    )
    assert refusal.code == "not_reviewer"
    assert "partner's reviewers" in refusal.message


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (ReviewState.NOT_STARTED, "accept"),
        (ReviewState.NOT_STARTED, "request_changes"),
        (ReviewState.NOT_STARTED, "start_review"),
        (ReviewState.ACCEPTED, "request_changes"),
        (ReviewState.ACCEPTED, "accept"),
        (ReviewState.CHANGES_REQUESTED, "accept"),
        (ReviewState.IN_REVIEW, "start_review"),
    ],
)
def test_review_steps_out_of_turn_are_refused(ksg_deliverable, huawei_reviewer, state, action):
    Deliverable.objects.filter(pk=ksg_deliverable.pk).update(review_state=state)
    call = {
        "accept": lambda: services.deliverable_accept(
            deliverable=ksg_deliverable, by=huawei_reviewer
        ),
        "request_changes": lambda: services.deliverable_request_changes(
            deliverable=ksg_deliverable, by=huawei_reviewer, reason="No."
        ),
        "start_review": lambda: services.deliverable_start_review(
            deliverable=ksg_deliverable, by=huawei_reviewer
        ),
    }[action]
    refusal = refused(call)
    assert refusal.code == "wrong_state"
    assert str(ReviewState(state).label).lower() in refusal.message
    ksg_deliverable.refresh_from_db()
    assert ksg_deliverable.review_state == state
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "state", [ReviewState.SUBMITTED, ReviewState.IN_REVIEW, ReviewState.ACCEPTED]
)
def test_only_new_or_sent_back_work_is_submitted(ksg_deliverable, ksg_staff, state):
    Deliverable.objects.filter(pk=ksg_deliverable.pk).update(review_state=state)
    assert (
        refused(lambda: services.deliverable_submit(deliverable=ksg_deliverable, by=ksg_staff)).code
        == "wrong_state"
    )


def test_changes_need_a_reason(ksg_deliverable, ksg_staff, huawei_reviewer):
    services.deliverable_submit(deliverable=ksg_deliverable, by=ksg_staff)
    assert (
        refused(
            lambda: services.deliverable_request_changes(
                deliverable=ksg_deliverable, by=huawei_reviewer, reason="  "
            )
        ).code
        == "reason_required"
    )


def test_an_empty_comment_is_refused(ksg_deliverable, huawei_reviewer):
    assert (
        refused(
            lambda: services.deliverable_comment(
                deliverable=ksg_deliverable, by=huawei_reviewer, comment=""
            )
        ).code
        == "comment_required"
    )


def test_another_partners_reviewer_can_do_nothing(ksg_deliverable, ksg_staff, icdl_reviewer):
    services.deliverable_submit(deliverable=ksg_deliverable, by=ksg_staff)
    assert (
        refused(
            lambda: services.deliverable_accept(deliverable=ksg_deliverable, by=icdl_reviewer)
        ).code
        == "not_reviewer"
    )
    assert (
        refused(
            lambda: services.deliverable_comment(
                deliverable=ksg_deliverable, by=icdl_reviewer, comment="Hello"
            )
        ).code
        == "not_allowed"
    )


def test_a_terminated_agreements_deliverables_are_closed(ksg_deliverable, ksg_staff):
    Agreement.objects.filter(pk=ksg_deliverable.obligation.agreement_id).update(
        status=Agreement.Status.TERMINATED
    )
    assert (
        refused(lambda: services.deliverable_submit(deliverable=ksg_deliverable, by=ksg_staff)).code
        == "terminated"
    )


def test_overdue_is_derived(ksg_deliverable):
    import datetime

    later = ksg_deliverable.due_on + datetime.timedelta(days=1)
    assert not ksg_deliverable.is_overdue(ksg_deliverable.due_on)
    assert ksg_deliverable.is_overdue(later)
    ksg_deliverable.review_state = ReviewState.ACCEPTED
    assert not ksg_deliverable.is_overdue(later)

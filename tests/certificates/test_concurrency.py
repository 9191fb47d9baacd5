"""Completions at the same moment, on real PostgreSQL: the year's counter row, locked while a
certificate is inserted, gives consecutive serials without gaps or duplicates; the enrolment's
lock and the unique constraint make one certificate of two issues at once. The twin without the
counter's lock shows the test can fail.

Each call runs in a thread of its own with its own connection, released together by a barrier;
the tests commit for real (``transaction=True``), so completion's after-commit hook runs the
issuing task (eager) in the completing thread, exactly as a request would. Rendering is stubbed:
the PDF is not what races here.
"""

import time

import pytest
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, SerialCounter
from enrollments import results
from enrollments.models import Enrollment
from tests.enrollments.conftest import at_once, attend, make_officer, no_errors
from tests.factories import EnrollmentFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
State = Enrollment.State

TINY_PDF = b"%PDF-1.7\n%stub\n"


@pytest.fixture(autouse=True)
def _no_rendering(monkeypatch):
    monkeypatch.setattr(services, "render_pdf", lambda certificate, **kwargs: TINY_PDF)


@pytest.fixture
def twenty(ended):
    """Twenty officers in the ended cohort, present every day: each completes by the rule."""
    enrollments = []
    for n in range(20):
        enrollment = EnrollmentFactory(cohort=ended, officer=make_officer(n), state=State.ENROLLED)
        attend(enrollment, 5)
        enrollments.append(enrollment)
    return enrollments


def complete_call(enrollment, by):
    return lambda: results.enrollment_complete(enrollment=enrollment, by=by)


def serial_numbers() -> list[int]:
    serials = Certificate.objects.values_list("serial", flat=True)
    return sorted(int(serial[-6:]) for serial in serials)


@pytest.mark.parametrize("attempt", range(2))
def test_twenty_completions_at_once_get_twenty_consecutive_serials(twenty, ksg_staff, attempt):
    outcomes = at_once([complete_call(enrollment, ksg_staff) for enrollment in twenty])

    no_errors(outcomes)
    assert Certificate.objects.count() == 20
    assert serial_numbers() == list(range(1, 21))
    assert set(Certificate.objects.values_list("enrollment_id", flat=True)) == {
        e.pk for e in twenty
    }
    assert SerialCounter.objects.get(year=timezone.localdate().year).last == 20


def test_completing_twice_at_once_issues_once(completed):
    outcomes = at_once([lambda: services.certificate_issue(enrollment=completed.pk)] * 10)

    no_errors(outcomes)
    assert {certificate.pk for certificate in outcomes} == {Certificate.objects.get().pk}
    assert serial_numbers() == [1]


def test_without_the_counter_lock_serials_collide(twenty, monkeypatch):
    """The twin of the first test with the counter read without FOR UPDATE: issues at once read
    the same last number, so some fail on the unique serial (or the test above proves nothing)."""

    def unlocked(issued_at):
        year = timezone.localtime(issued_at).year
        SerialCounter.objects.bulk_create([SerialCounter(year=year)], ignore_conflicts=True)
        counter = SerialCounter.objects.get(year=year)
        time.sleep(0.05)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"KSG-{year}-{counter.last:06d}"

    monkeypatch.setattr(services, "_next_serial", unlocked)
    for enrollment in twenty:
        Enrollment.objects.filter(pk=enrollment.pk).update(state=State.COMPLETED)

    outcomes = at_once([lambda pk=e.pk: services.certificate_issue(enrollment=pk) for e in twenty])

    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert errors or serial_numbers() != list(range(1, 21))

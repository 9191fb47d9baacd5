"""Courses the demo's two officers have completed, with their certificates issued, so that
downloading a certificate (and verifying one) can be tried at once.

Wanjiku and Otieno took two foundation courses together before the demo's "today": one at Lower
Kabete about four months earlier, one online about two months earlier. The cohorts are closed,
their attendance is full, the scores pass, and the certificates are issued through the real
service (rendered here, synchronously). The academy's two signatories are created with drawn
signatures if none exist. A second run finds the completions and creates nothing; a run on
another date adds nothing either, as the officers have completed those courses already.
"""

import datetime

from django.core.files.base import ContentFile

from academy.demo.signatures import signature_png
from certificates import services
from certificates.models import Signatory
from certificates.selectors import enrollments_awaiting_certificate
from courses.models import Campus, Cohort, Course
from enrollments.models import Attendance, Enrollment

OFFICERS = ("wanjiku@ict.demo.go.ke", "otieno@treasury.demo.go.ke")
# (course code, days before today it started, days it lasts, campus slug or None for online,
# score when the course has a pass mark)
COMPLETED = (
    ("DPD-101", 122, 3, "lower-kabete", None),
    ("DME-101", 59, 12, None, 86),
)
# Made-up people: a demo certificate must not carry a drawn signature under a real official's
# name.
SIGNATORIES = (
    ("Prof. Amina Wekesa", "Director General, Kenya School of Government"),
    ("Dr. Wambũi Ng'ang'a", "Director, KSG Digital Academy"),
)


def seed_completed_courses(*, today: datetime.date, user_ids: dict[str, int]) -> dict[str, int]:
    created = {"signatories": _seed_signatories(), "completed_cohorts": 0, "certificates": 0}
    officer_ids = [user_ids[email] for email in OFFICERS]
    done = set(
        Enrollment.objects.filter(
            officer_id__in=officer_ids, state=Enrollment.State.COMPLETED
        ).values_list("course__code", flat=True)
    )
    for course_code, days_ago, length, campus_slug, score in COMPLETED:
        if course_code in done:
            continue
        course = Course.objects.get(code=course_code)
        starts_on = _monday_before(today - datetime.timedelta(days=days_ago))
        ends_on = starts_on + datetime.timedelta(days=length - 1)
        place = "LK" if campus_slug else "ONL"
        cohort = Cohort.objects.create(
            course=course,
            code=f"{course_code}-{starts_on:%Y-%m}-{place}-PAST",
            starts_on=starts_on,
            ends_on=ends_on,
            campus=Campus.objects.get(slug=campus_slug) if campus_slug else None,
            capacity=25,
            enrolment_opens_on=starts_on - datetime.timedelta(days=45),
            enrolment_closes_on=starts_on - datetime.timedelta(days=7),
            status=Cohort.Status.CLOSED,
        )
        decided = datetime.datetime.combine(ends_on, datetime.time(16), tzinfo=datetime.UTC)
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(
                officer_id=pk,
                cohort=cohort,
                course=course,
                state=Enrollment.State.COMPLETED,
                created_by_id=pk,
                score=score if course.pass_mark is not None else None,
                state_changed_at=decided,
                result_recorded_at=decided,
            )
            for pk in officer_ids
        )
        Attendance.objects.bulk_create(
            Attendance(enrollment=enrollment, day=day, present=True)
            for enrollment in enrollments
            for day in cohort.session_days()
        )
        created["completed_cohorts"] += 1
    # Bulk writes send no signal, so completion's own hook did not run: issue here, now.
    owed = enrollments_awaiting_certificate(officer_ids=officer_ids)
    for pk in owed:
        services.certificate_issue(enrollment=pk)
    created["certificates"] = len(owed)
    return created


def _seed_signatories() -> int:
    if Signatory.objects.exists():
        return 0
    for order, (name, title) in enumerate(SIGNATORIES):
        signatory = Signatory(name=name, title=title, order=order)
        signatory.signature.save("signature.png", ContentFile(signature_png(name)), save=False)
        signatory.save()
    return len(SIGNATORIES)


def _monday_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())

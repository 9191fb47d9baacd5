"""`manage.py seed_demo`: the demo catalogue, cohorts and accounts of the design's contract.

The demo is seeded once for the whole module (and rolled back at its end); every test then runs
in its own savepoint on top of it.
"""

import datetime
import time
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from academy.demo import DEMO_PASSWORD, seed_demo
from academy.demo.people import DEMO_ACCOUNTS, DEMO_TOTP_SECRET
from academy.models import County, JobGroup, Membership, OfficerProfile, Organisation, User
from courses.models import Campus, Cohort, Competency, Course, DeliveryMode, Level, SkillArea
from enrollments.models import Enrollment

Role = Membership.Role
SIX_MONTHS = datetime.timedelta(days=181)


def _counts():
    models = (County, Organisation, Campus, SkillArea, Competency, Course, Cohort, User)
    counts = {m.__name__: m.objects.count() for m in models}
    counts["Enrollment"] = Enrollment.objects.count()
    counts["EmailAddress"] = EmailAddress.objects.count()
    counts["OfficerProfile"] = OfficerProfile.objects.count()
    counts["Membership"] = Membership.objects.count()
    counts["facilitations"] = Cohort.facilitators.through.objects.count()
    counts["Authenticator"] = Authenticator.objects.count()
    return counts


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed twice in one transaction that is rolled back when the module is done. (The demo's
    certificates and signatures are files: they go to a scratch folder.)"""
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    media = str(tmp_path_factory.mktemp("demo-media"))
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_MODE=True, PASSWORD_HASHERS=fast_hash, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        today = timezone.localdate()
        first = seed_demo(today=today)
        after_first = _counts()
        with CaptureQueriesContext(connection) as queries:
            second = seed_demo(today=today)
        yield SimpleNamespace(
            today=today,
            first=first,
            second=second,
            after_first=after_first,
            after_second=_counts(),
            second_run_queries=len(queries),
        )
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def _demo_cohorts():
    """The cohorts of the coming months (not the two that have started, nor the two the demo
    officers completed)."""
    return (
        Cohort.objects.filter(course__code__regex=r"^D(PD|UG|ME)-\d{3}$")
        .exclude(code__regex=r"(-LK-(NOW|DONE)|-PAST)$")
        .annotate(
            seats=Count("enrollments", filter=Q(enrollments__state__in=Enrollment.SEAT_STATES))
        )
    )


# --- Demo mode ----------------------------------------------------------------------------------


def test_refuses_to_run_without_demo_mode(db, settings):
    settings.DEMO_MODE = False
    users = User.objects.count()

    with pytest.raises(CommandError, match="demo mode is off"):
        call_command("seed_demo", stdout=StringIO())

    assert User.objects.count() == users


# --- Idempotency ----------------------------------------------------------------------------------


def test_a_second_run_creates_nothing_and_stays_cheap(demo):
    assert sum(demo.first.created.values()) > 0
    assert all(n == 0 for n in demo.second.created.values()), demo.second.created
    assert demo.after_second == demo.after_first
    # The second run only compares: a few dozen queries, whatever the size of the demo.
    assert demo.second_run_queries < 60


def test_a_run_on_a_later_date_adds_new_cohorts_without_duplicates_or_overbooking(demo, settings):
    settings.DEMO_MODE = True
    later = seed_demo(today=demo.today + datetime.timedelta(days=45))

    assert later.created["cohorts"] > 0
    assert later.created["courses"] == later.created["accounts"] == 0
    assert not _demo_cohorts().filter(seats__gt=F("capacity")).exists()
    per_course = Counter(
        Enrollment.objects.values_list("officer_id", "cohort__course_id").iterator()
    )
    assert max(per_course.values()) == 1


def test_the_command_prints_a_summary_with_the_accounts_and_password(demo, settings):
    settings.DEMO_MODE = True
    out = StringIO()

    call_command("seed_demo", stdout=out)

    output = out.getvalue()
    assert "nothing (already seeded)" in output
    assert DEMO_PASSWORD in output
    for person in DEMO_ACCOUNTS:
        assert person.email in output
    assert DEMO_TOTP_SECRET in output
    assert "demo_mfa_code" in output


# --- Catalogue ----------------------------------------------------------------------------------


def test_three_skill_areas_with_kiswahili_names_and_the_delivery_alias(demo):
    areas = {a.slug: a for a in SkillArea.objects.all()}
    assert set(areas) == {
        "digital-planning-and-design",
        "data-use-and-governance",
        "digital-management-and-execution",
    }
    assert areas["digital-management-and-execution"].aliases == ["Digital Management and Delivery"]
    assert all(a.name_sw and a.summary_sw for a in areas.values())
    for area in areas.values():
        assert 4 <= area.competencies.count() <= 6
    assert (
        areas["digital-planning-and-design"]
        .competencies.filter(name="Digital strategy development")
        .exists()
    )
    assert (
        areas["data-use-and-governance"]
        .competencies.filter(name="Data-driven policy making")
        .exists()
    )


def test_at_least_36_courses_and_4_per_skill_area_and_level(demo):
    assert Course.objects.count() >= 36
    per_cell = Counter(Course.objects.values_list("skill_area__slug", "level"))
    for area in SkillArea.objects.values_list("slug", flat=True):
        for level in Level.values:
            assert per_cell[(area, level)] >= 4, (area, level)


def test_courses_are_described_completely(demo):
    for course in Course.objects.prefetch_related("competencies"):
        assert course.description.count("\n\n") >= 4, course.code
        assert course.summary and course.audience_note, course.code
        assert course.competencies.exists(), course.code
        assert 75 <= course.min_attendance_percent <= 90, course.code
        assert course.pass_mark is None or 50 <= course.pass_mark <= 70, course.code
        course.full_clean()


def test_catalogue_mixes_providers_languages_modes_and_rules(demo):
    providers = Counter(Course.objects.values_list("provider__short_name", flat=True))
    assert providers["KSG"] > providers["Huawei Kenya"] > 0
    assert providers["ICDL Africa"] > 0 and providers["ESTDEV"] > 0
    assert Course.objects.filter(language="sw").exists()
    assert Course.objects.filter(title="Huduma za Kidijitali kwa Wananchi", language="sw").exists()
    assert set(Course.objects.values_list("delivery_mode", flat=True)) == set(DeliveryMode.values)
    assert Course.objects.filter(level=Level.ADVANCED, requires_approval=True).exists()
    assert not Course.objects.filter(level=Level.FOUNDATION, requires_approval=True).exists()
    assert Course.objects.filter(audience_min_job_group="P", audience_max_job_group="T").exists()
    assert Course.objects.filter(audience_min_job_group="N", audience_max_job_group="T").exists()
    intermediate = Course.objects.get(code="DPD-201")
    assert list(intermediate.prerequisites.values_list("level", flat=True)) == [Level.FOUNDATION]


# --- Cohorts ----------------------------------------------------------------------------------


def test_cohorts_run_in_the_next_six_months(demo):
    cohorts = list(_demo_cohorts().select_related("course"))
    assert len(cohorts) >= 2 * Course.objects.count()
    assert set(Counter(c.course_id for c in cohorts).values()) <= {2, 3}
    for cohort in cohorts:
        assert demo.today < cohort.starts_on <= cohort.ends_on <= demo.today + SIX_MONTHS
        assert cohort.status == Cohort.Status.SCHEDULED
        assert 20 <= cohort.capacity <= 40
        assert cohort.enrolment_closes_on <= cohort.starts_on - datetime.timedelta(days=7)
        assert cohort.code.startswith(f"{cohort.course.code}-{cohort.starts_on:%Y-%m}-")
        online = cohort.course.delivery_mode == DeliveryMode.ONLINE
        assert (cohort.campus_id is None) == online, cohort.code


def test_cohorts_are_spread_over_the_campuses_and_most_are_open_now(demo):
    campuses = set(_demo_cohorts().values_list("campus__slug", flat=True))
    assert {"lower-kabete", "mombasa", "matuga", "embu", "baringo", None} <= campuses
    open_now = _demo_cohorts().filter(
        enrolment_opens_on__lte=demo.today, enrolment_closes_on__gte=demo.today
    )
    not_yet_open = _demo_cohorts().filter(enrolment_opens_on__gt=demo.today)
    assert open_now.count() > 0.9 * _demo_cohorts().count()
    assert 1 <= not_yet_open.count() <= 2


def test_some_cohorts_are_full_some_nearly_full_and_none_overbooked(demo):
    cohorts = _demo_cohorts()
    assert cohorts.filter(seats=F("capacity")).count() >= 4
    assert cohorts.filter(seats__lt=F("capacity"), seats__gte=F("capacity") - 2).count() >= 4
    assert not cohorts.filter(seats__gt=F("capacity")).exists()


def test_enrolled_officers_belong_to_the_audience_and_never_clash(demo):
    enrolments = Enrollment.objects.select_related(
        "officer__officer_profile", "cohort__course"
    ).order_by("officer_id", "cohort__starts_on")
    on_campus = {}
    for e in enrolments:
        course, rank = e.cohort.course, JobGroup.rank(e.officer.officer_profile.job_group)
        completed = e.cohort.code.endswith("-PAST")
        assert e.state == (Enrollment.State.COMPLETED if completed else Enrollment.State.ENROLLED)
        low, high = (
            JobGroup.rank(course.audience_min_job_group),
            JobGroup.rank(course.audience_max_job_group),
        )
        assert low <= rank <= high, (e.officer.email, course.code)
        if e.cohort.campus_id:
            previous = on_campus.get(e.officer_id)
            assert previous is None or previous < e.cohort.starts_on, e.officer.email
            on_campus[e.officer_id] = e.cohort.ends_on


def test_one_cohort_is_in_session_and_one_has_ended_waiting_for_its_results(demo):
    trainer = User.objects.get(email="trainer@ksg.demo.ac.ke")
    now = Cohort.objects.get(code__endswith="-LK-NOW")
    done = Cohort.objects.get(code__endswith="-LK-DONE")
    assert now.starts_on < demo.today <= now.ends_on
    assert done.ends_on < demo.today
    named = {person.email for person in DEMO_ACCOUNTS}
    for cohort in (now, done):
        assert cohort.status == Cohort.Status.RUNNING
        assert trainer in cohort.facilitators.all()
        enrolments = cohort.enrollments.all()
        assert 10 <= enrolments.count() < cohort.capacity
        assert not enrolments.filter(officer__email__in=named).exists()
        days_so_far = [day for day in cohort.session_days() if day < demo.today]
        for enrollment in enrolments:
            recorded = sorted(enrollment.attendance.values_list("day", flat=True))
            assert recorded == days_so_far
    scores = done.enrollments.exclude(score=None).values_list("score", flat=True)
    assert 0 < len(scores) < done.enrollments.count()  # some still to record
    assert not now.enrollments.exclude(score=None).exists()


def test_the_trainer_facilitates_several_cohorts(demo):
    trainer = User.objects.get(email="trainer@ksg.demo.ac.ke")
    assert trainer.facilitated_cohorts.count() >= 3


# --- Accounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("person", DEMO_ACCOUNTS, ids=lambda p: p.email)
def test_demo_accounts_are_verified_and_use_the_demo_password(demo, person):
    user = User.objects.get(email=person.email)
    assert user.check_password(DEMO_PASSWORD)
    assert user.is_active
    assert not user.is_superuser
    assert EmailAddress.objects.filter(
        user=user, email=person.email, verified=True, primary=True
    ).exists()


def _roles(email):
    return set(
        Membership.objects.filter(user__email=email).values_list("role", "organisation__slug")
    )


def test_the_officers_work_where_the_contract_says(demo):
    wanjiku = OfficerProfile.objects.select_related("organisation", "duty_station").get(
        user__email="wanjiku@ict.demo.go.ke"
    )
    assert wanjiku.user.full_name == "Wanjiku Kamau"
    assert wanjiku.organisation.name == "State Department for ICT and Digital Economy"
    assert (wanjiku.job_group, wanjiku.designation) == ("K", "ICT Officer I")
    assert wanjiku.duty_station.name == "Nairobi City"

    otieno = OfficerProfile.objects.select_related("organisation").get(
        user__email="otieno@treasury.demo.go.ke"
    )
    assert otieno.user.full_name == "Otieno Odhiambo"
    assert (otieno.job_group, otieno.designation) == ("M", "Senior Economist")
    treasury = Organisation.objects.get(slug="the-national-treasury-and-economic-planning")
    assert otieno.organisation in Organisation.objects.get_descendants(treasury, include_self=True)
    assert _roles("wanjiku@ict.demo.go.ke") == _roles("otieno@treasury.demo.go.ke") == set()


def test_training_officers_act_for_their_ministries(demo):
    assert _roles("hr@ict.demo.go.ke") == {
        (Role.TRAINING_OFFICER, "ministry-of-information-communications-and-the-digital-economy")
    }
    assert _roles("hr@treasury.demo.go.ke") == {
        (Role.TRAINING_OFFICER, "the-national-treasury-and-economic-planning")
    }
    assert OfficerProfile.objects.filter(user__email="hr@ict.demo.go.ke").exists()


def test_ksg_staff_can_manage_the_catalogue_in_the_admin_but_is_no_superuser(demo):
    staff = User.objects.get(email="staff@ksg.demo.ac.ke")
    assert _roles(staff.email) == {(Role.KSG_STAFF, None)}
    assert staff.is_staff and not staff.is_superuser
    assert list(staff.groups.values_list("name", flat=True)) == ["KSG staff"]
    for perm in ("courses.add_course", "courses.change_cohort", "courses.view_skillarea"):
        assert staff.has_perm(perm), perm
    assert staff.has_perm("academy.view_organisation")
    assert not staff.has_perm("academy.change_organisation")
    assert not staff.has_perm("courses.delete_course")


def test_facilitator_and_partner_reviewer_roles(demo):
    assert _roles("trainer@ksg.demo.ac.ke") == {(Role.FACILITATOR, None)}
    assert _roles("reviewer@huawei.demo.co.ke") == {
        (Role.PARTNER_REVIEWER, "huawei-technologies-kenya-co-ltd")
    }
    for email in ("staff@ksg.demo.ac.ke", "trainer@ksg.demo.ac.ke", "reviewer@huawei.demo.co.ke"):
        assert not OfficerProfile.objects.filter(user__email=email).exists()


def test_about_150_synthetic_officers_spread_across_the_service(demo):
    demo_emails = {p.email for p in DEMO_ACCOUNTS}
    officers = OfficerProfile.objects.exclude(user__email__in=demo_emails).select_related("user")
    assert 140 <= officers.count() <= 160
    assert all(o.user.email.endswith(".demo.go.ke") for o in officers)
    assert officers.values("organisation").distinct().count() >= 20
    assert officers.values("job_group").distinct().count() >= 8
    assert officers.values("duty_station").distinct().count() >= 10
    assert officers.filter(organisation__kind=Organisation.Kind.COUNTY).count() >= 30
    numbers = list(OfficerProfile.objects.values_list("personal_number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert all(" " in o.user.full_name for o in officers)


# --- Certificates ------------------------------------------------------------------------------


def test_the_demo_officers_completed_two_courses_and_hold_their_certificates(demo):
    from certificates.models import Certificate, Signatory

    for email in ("wanjiku@ict.demo.go.ke", "otieno@treasury.demo.go.ke"):
        completed = Enrollment.objects.filter(
            officer__email=email, state=Enrollment.State.COMPLETED
        ).select_related("cohort")
        assert sorted(e.cohort.course.code for e in completed) == ["DME-101", "DPD-101"]
        for enrollment in completed:
            assert enrollment.cohort.status == Cohort.Status.CLOSED
            assert enrollment.cohort.ends_on < demo.today
            certificate = Certificate.objects.get(enrollment=enrollment)
            assert certificate.status == Certificate.Status.VALID
            assert certificate.pdf and len(certificate.pdf_sha256) == 64
            assert len(certificate.signatories) == 2
    assert Signatory.objects.filter(active=True).exclude(signature="").count() == 2
    assert demo.second.created["certificates"] == 0


# --- Second factor (academy.mfa) ----------------------------------------------------------------

ROLE_ACCOUNTS = [p for p in DEMO_ACCOUNTS if p.memberships]
OFFICER_ACCOUNTS = [p for p in DEMO_ACCOUNTS if not p.memberships]


def test_every_demo_account_with_a_role_has_the_demo_authenticator_app(demo):
    from academy import mfa

    assert {p.email for p in ROLE_ACCOUNTS} == {
        "hr@ict.demo.go.ke",
        "hr@treasury.demo.go.ke",
        "staff@ksg.demo.ac.ke",
        "trainer@ksg.demo.ac.ke",
        "reviewer@huawei.demo.co.ke",
    }
    for person in ROLE_ACCOUNTS:
        user = User.objects.get(email=person.email)
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert DEMO_TOTP_SECRET not in str(totp.data)  # encrypted like any other secret
        assert mfa.MFAAdapter().decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET
        assert not mfa.mfa_setup_missing(user)
    officers = User.objects.filter(email__in=[p.email for p in OFFICER_ACCOUNTS])
    assert not Authenticator.objects.filter(user__in=officers).exists()


def test_staff_sign_in_with_the_password_and_the_printed_code(demo, settings, client):
    from django.urls import reverse

    settings.DEMO_MODE = True
    if time.time() % 30 > 27:  # let the code's 30-second window not end half-way
        time.sleep(3.5)
    out = StringIO()
    call_command("demo_mfa_code", "staff@ksg.demo.ac.ke", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()

    first = client.post(
        reverse("account_login"), {"login": "staff@ksg.demo.ac.ke", "password": DEMO_PASSWORD}
    )
    assert first["Location"] == reverse("mfa_authenticate")
    second = client.post(reverse("mfa_authenticate"), {"code": code})

    assert second["Location"] == reverse("home")
    assert client.get(reverse("enrollments:staff_cohorts")).status_code == 200


def test_demo_mfa_code_refuses_without_demo_mode(demo, settings):
    settings.DEMO_MODE = False

    with pytest.raises(CommandError, match="demo mode is off"):
        call_command("demo_mfa_code", "staff@ksg.demo.ac.ke", stdout=StringIO())


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("someone@ksg.ac.ke", "not one of the demo accounts"),
        ("wanjiku@ict.demo.go.ke", "has no authenticator app"),
    ],
)
def test_demo_mfa_code_refuses_other_accounts_and_officers(demo, settings, email, message):
    settings.DEMO_MODE = True

    with pytest.raises(CommandError, match=message):
        call_command("demo_mfa_code", email, stdout=StringIO())

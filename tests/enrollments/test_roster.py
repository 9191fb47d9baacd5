"""The staff roster of a cohort: who may see it, search and filters, pages, the CSV export and
the capacity form."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.models import AuditEvent
from courses.models import Cohort
from enrollments import roster, services
from enrollments.models import Enrollment
from tests.courses.conftest import cohort
from tests.enrollments.conftest import enrolled, make_officer, snapshot, waiting_list
from tests.factories import EnrollmentFactory, OrganisationFactory
from tests.reauthentication import prompt_for, reauthenticate, sign_in_stale

State = Enrollment.State


@pytest.fixture
def facilitated(run, trainer):
    run.facilitators.add(trainer)
    return run


@pytest.fixture
def other_run(course):
    return cohort(course, starts_in=60, capacity=5, code="DUG-201-C2")


def roster_url(cohort_):
    return reverse("enrollments:staff_roster", args=[cohort_.pk])


def export_url(cohort_):
    return reverse("enrollments:staff_roster_export", args=[cohort_.pk])


def capacity_url(cohort_):
    return reverse("enrollments:staff_capacity", args=[cohort_.pk])


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# --- Access --------------------------------------------------------------------------------

LIST = reverse("enrollments:staff_cohorts")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("ksg_staff", 200),
        ("trainer", 200),
        ("wanjiku", 403),
        ("otieno", 403),
        ("hr_ict", 403),
        ("hr_treasury", 403),
        ("huawei_reviewer", 403),
    ],
)
def test_the_cohort_list_is_for_staff_and_facilitators(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(LIST).status_code == status


def test_the_anonymous_are_sent_to_sign_in(client, facilitated):
    for url in (LIST, roster_url(facilitated), export_url(facilitated)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
    response = client.post(capacity_url(facilitated), {"capacity": 9})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    ("persona", "own", "other"),
    [
        ("ksg_staff", 200, 200),
        ("trainer", 200, 404),
        ("wanjiku", 403, 403),
        ("hr_ict", 403, 403),
        ("huawei_reviewer", 403, 403),
    ],
)
def test_who_sees_which_roster(client, request, facilitated, other_run, persona, own, other):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(roster_url(facilitated)).status_code == own
    assert client.get(export_url(facilitated)).status_code == own
    assert client.get(roster_url(other_run)).status_code == other
    assert client.get(export_url(other_run)).status_code == other


def test_a_facilitator_lists_only_their_own_cohorts(client, trainer, facilitated, other_run):
    client.force_login(trainer)
    page = client.get(LIST).content.decode()
    assert facilitated.code in page
    assert other_run.code not in page


def test_a_facilitator_of_another_cohort_is_denied(client, facilitated, other_run):
    from tests.factories import MembershipFactory, UserFactory

    outsider = UserFactory(email="other.trainer@ksg.demo.ac.ke")
    MembershipFactory(user=outsider, role="facilitator")
    other_run.facilitators.add(outsider)
    client.force_login(outsider)
    assert client.get(roster_url(facilitated)).status_code == 404
    assert client.get(export_url(facilitated)).status_code == 404
    assert client.get(roster_url(other_run)).status_code == 200


def test_draft_cohorts_are_not_listed(ksg_staff, course):
    draft = cohort(course, code="DUG-201-DRAFT", status=Cohort.Status.DRAFT)
    assert draft not in roster.cohorts_for_staff(ksg_staff)
    with pytest.raises(Exception) as raised:
        roster.cohort_for_staff(ksg_staff, draft.pk)
    assert raised.typename == "Http404"


def test_nobody_else_gets_cohorts(wanjiku, hr_ict, huawei_reviewer, facilitated):
    for user in (wanjiku, hr_ict, huawei_reviewer):
        assert not roster.cohorts_for_staff(user).exists()


def test_a_facilitator_cannot_change_the_capacity(client, trainer, facilitated, other_run):
    client.force_login(trainer)
    assert client.post(capacity_url(facilitated), {"capacity": 10}).status_code == 403
    assert client.post(capacity_url(other_run), {"capacity": 10}).status_code == 404
    facilitated.refresh_from_db()
    assert facilitated.capacity == 3
    assert "Change the capacity" not in client.get(roster_url(facilitated)).content.decode()


@pytest.mark.parametrize("persona", ["wanjiku", "hr_ict", "huawei_reviewer"])
def test_others_cannot_change_the_capacity(client, request, run, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(capacity_url(run), {"capacity": 10}).status_code == 403
    run.refresh_from_db()
    assert run.capacity == 3


# --- The list and the roster ---------------------------------------------------------------


def test_the_list_shows_capacity_seats_and_waiting(client, ksg_staff, run):
    EnrollmentFactory.create_batch(3, cohort=run, state=State.ENROLLED)
    EnrollmentFactory.create_batch(2, cohort=run, state=State.WAITLISTED)
    EnrollmentFactory(cohort=run, state=State.WITHDRAWN)
    listed = roster.cohorts_for_staff(ksg_staff).get(pk=run.pk)
    assert (listed.capacity, listed.seats_taken, listed.waiting_count) == (3, 3, 2)
    client.force_login(ksg_staff)
    page = client.get(LIST).content.decode()
    assert run.code in page and run.course.title in page
    roster_page = client.get(roster_url(run)).content.decode()
    assert "3 of 3 taken, 2 on the waiting list" in roster_page
    assert "Change the capacity" in roster_page
    assert export_url(run) in roster_page


def test_the_list_is_paginated(client, ksg_staff, course):
    for n in range(27):
        cohort(course, starts_in=20 + n, code=f"P-{n:02d}")
    client.force_login(ksg_staff)
    first = client.get(LIST)
    assert len(first.context["page"].object_list) == 25
    second = client.get(LIST, {"page": 2})
    assert [c.code for c in second.context["page"].object_list] == ["P-25", "P-26"]


def roster_people(run, ksg):
    """Wanjiku-like officers of two organisations in several states."""
    org_a = OrganisationFactory(name="State Department for ICT", slug="sd-a")
    org_b = OrganisationFactory(name="Treasury", slug="tr-b")
    people = {}
    for n, (name, org, state) in enumerate(
        [
            ("Zawadi Achieng", org_a, State.ENROLLED),
            ("Amina Hassan", org_b, State.ENROLLED),
            ("Kamau Njoroge", org_a, State.WAITLISTED),
            ("Baraka Otieno", org_b, State.WITHDRAWN),
        ]
    ):
        officer = make_officer(100 + n, organisation=org)
        officer.full_name = name
        officer.save(update_fields=["full_name"])
        people[name] = EnrollmentFactory(officer=officer, cohort=run, state=state)
    return org_a, org_b, people


def names(response) -> list[str]:
    return [e.officer.full_name for e in response.context["page"].object_list]


def test_the_roster_is_ordered_by_state_position_and_name(client, ksg_staff, run, ksg):
    roster_people(run, ksg)
    client.force_login(ksg_staff)
    response = client.get(roster_url(run))
    assert names(response) == ["Amina Hassan", "Zawadi Achieng", "Kamau Njoroge", "Baraka Otieno"]


def test_search_by_name_email_and_personal_number(client, ksg_staff, run, ksg):
    _, _, people = roster_people(run, ksg)
    client.force_login(ksg_staff)
    assert names(client.get(roster_url(run), {"q": "zawadi"})) == ["Zawadi Achieng"]
    amina = people["Amina Hassan"].officer
    assert names(client.get(roster_url(run), {"q": amina.email.upper()})) == ["Amina Hassan"]
    number = people["Kamau Njoroge"].officer.officer_profile.personal_number
    assert names(client.get(roster_url(run), {"q": number})) == ["Kamau Njoroge"]
    page = client.get(roster_url(run), {"q": "nobody"})
    assert "No officer in this cohort matches these filters." in page.content.decode()


def test_filter_by_state_and_organisation(client, ksg_staff, run, ksg):
    org_a, org_b, _ = roster_people(run, ksg)
    client.force_login(ksg_staff)
    assert names(client.get(roster_url(run), {"state": "waitlisted"})) == ["Kamau Njoroge"]
    assert names(client.get(roster_url(run), {"organisation": org_b.pk})) == [
        "Amina Hassan",
        "Baraka Otieno",
    ]
    both = client.get(roster_url(run), {"organisation": org_a.pk, "state": "enrolled"})
    assert names(both) == ["Zawadi Achieng"]


def test_the_organisation_select_offers_only_those_present(client, ksg_staff, run, ksg):
    roster_people(run, ksg)
    absent = OrganisationFactory(name="Ministry Not On This Roster", slug="absent")
    client.force_login(ksg_staff)
    response = client.get(roster_url(run))
    choices = list(response.context["form"].fields["organisation"].queryset)
    assert [o.name for o in choices] == ["State Department for ICT", "Treasury"]
    # A bad value is ignored (with a message on the field), not an error page.
    response = client.get(roster_url(run), {"organisation": absent.pk, "state": "nonsense"})
    assert response.status_code == 200
    assert len(names(response)) == 4


def test_the_roster_is_paginated_and_keeps_the_filters(client, ksg_staff, course):
    big = cohort(course, capacity=100, code="BIG-1")
    EnrollmentFactory.create_batch(55, cohort=big, state=State.ENROLLED)
    client.force_login(ksg_staff)
    first = client.get(roster_url(big), {"state": "enrolled"})
    assert len(first.context["page"].object_list) == 50
    assert "?state=enrolled&amp;page=2" in first.content.decode()
    second = client.get(roster_url(big), {"state": "enrolled", "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert client.get(roster_url(big), {"page": "junk"}).status_code == 200


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_roster_takes_the_same_queries_for_5_and_30(client, ksg_staff, course):
    small = cohort(course, capacity=50, code="SMALL-1")
    large = cohort(course, capacity=50, code="LARGE-1")
    for n in range(5):
        EnrollmentFactory(cohort=small, officer=make_officer(200 + n))
    for n in range(30):
        EnrollmentFactory(cohort=large, officer=make_officer(300 + n))
    client.force_login(ksg_staff)
    client.get(roster_url(small))  # warm the session and content types
    assert count_queries(client, roster_url(small)) == count_queries(client, roster_url(large))


def test_the_list_takes_the_same_queries_for_5_and_20_cohorts(client, ksg_staff, course):
    client.force_login(ksg_staff)
    for n in range(5):
        EnrollmentFactory(cohort=cohort(course, starts_in=20 + n, code=f"Q-{n:02d}"))
    client.get(LIST)
    few = count_queries(client, LIST)
    for n in range(5, 20):
        EnrollmentFactory(cohort=cohort(course, starts_in=20 + n, code=f"Q-{n:02d}"))
    assert count_queries(client, LIST) == few


# --- Export --------------------------------------------------------------------------------


def test_the_export_has_the_filtered_roster(client, ksg_staff, run, ksg):
    org_a, _, people = roster_people(run, ksg)
    client.force_login(ksg_staff)
    response = client.get(export_url(run), {"organisation": org_a.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [
        "Personal number",
        "Name",
        "E-mail",
        "Organisation",
        "Job group",
        "State",
        "Waiting list position",
        "Enrolled or changed",
    ]
    zawadi = people["Zawadi Achieng"].officer
    assert rows[1][:7] == [
        zawadi.officer_profile.personal_number,
        "Zawadi Achieng",
        zawadi.email,
        "State Department for ICT",
        zawadi.officer_profile.job_group,
        "Enrolled",
        "",
    ]
    assert rows[2][1] == "Kamau Njoroge"
    assert rows[2][5:7] == ["Waiting list", str(people["Kamau Njoroge"].waitlist_position)]
    assert len(rows) == 3


def test_the_export_neutralises_formulas(client, ksg_staff, run):
    evil = make_officer(900)
    evil.full_name = "=cmd|' /C calc'!A0"
    evil.save(update_fields=["full_name"])
    profile = evil.officer_profile
    profile.personal_number = "+254700"
    profile.save(update_fields=["personal_number"])
    org = profile.organisation
    org.name = "@SUM(1+1)"
    org.save(update_fields=["name"])
    EnrollmentFactory(officer=evil, cohort=run)
    others = [("-2+3", 901), ("\tTabbed", 902), ("\rReturn", 903), ("Plain = Name", 904)]
    for name, n in others:
        officer = make_officer(n)
        officer.full_name = name
        officer.save(update_fields=["full_name"])
        EnrollmentFactory(officer=officer, cohort=run)
    client.force_login(ksg_staff)
    rows = read_csv(client.get(export_url(run)))
    by_name = {row[1]: row for row in rows[1:]}
    row = by_name["'=cmd|' /C calc'!A0"]
    assert row[0] == "'+254700"
    assert row[3] == "'@SUM(1+1)"
    assert {"'-2+3", "'\tTabbed", "'\rReturn", "Plain = Name"} <= set(by_name)


def test_the_export_is_audited(client, trainer, facilitated, ksg):
    org_a, _, _ = roster_people(facilitated, ksg)
    client.force_login(trainer)
    response = client.get(export_url(facilitated), {"q": "a", "organisation": org_a.pk})
    rows = read_csv(response)
    event = AuditEvent.objects.get(action="enrollments.roster.exported")
    assert event.actor == trainer
    assert event.target_id == str(facilitated.pk)
    assert event.data == {
        "cohort": facilitated.code,
        "filters": {"search": "a", "state": "", "organisation": org_a.pk},
        "rows": len(rows) - 1,
    }
    assert event.data["rows"] == 2


def test_a_denied_export_is_not_audited(client, trainer, other_run):
    client.force_login(trainer)
    assert client.get(export_url(other_run)).status_code == 404
    assert not AuditEvent.objects.filter(action="enrollments.roster.exported").exists()


# --- Capacity ------------------------------------------------------------------------------


def test_raising_the_capacity_promotes_the_waiting_list(client, ksg_staff, run, officers):
    people = officers(5)
    for officer in people:
        services.enrollment_create(officer=officer, cohort=run)
    assert [pk for pk, _ in waiting_list(run)] == [people[3].pk, people[4].pk]
    client.force_login(ksg_staff)
    response = client.post(capacity_url(run), {"capacity": 4}, follow=True)
    assert response.redirect_chain[-1][0] == roster_url(run)
    page = response.content.decode()
    assert "now has 4 seats" in page
    assert "1 officer was promoted from the waiting list." in page
    run.refresh_from_db()
    assert run.capacity == 4
    assert enrolled(run) == {p.pk for p in people[:4]}
    assert waiting_list(run) == [(people[4].pk, 1)]
    assert AuditEvent.objects.filter(
        action="courses.cohort.capacity_changed", actor=ksg_staff
    ).exists()


def test_lowering_below_the_seats_taken_is_refused(client, ksg_staff, run, officers):
    for officer in officers(3):
        services.enrollment_create(officer=officer, cohort=run)
    before = snapshot()
    client.force_login(ksg_staff)
    response = client.post(capacity_url(run), {"capacity": 2})
    assert response.status_code == 400
    assert "3 seats are taken: the capacity can&#x27;t be lower than that." in (
        response.content.decode()
    )
    assert snapshot() == before


@pytest.mark.parametrize("value", ["", "0", "abc", "-4"])
def test_a_bad_capacity_is_refused(client, ksg_staff, run, value):
    before = snapshot()
    client.force_login(ksg_staff)
    response = client.post(capacity_url(run), {"capacity": value})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert snapshot() == before


# --- Re-authentication before the export (academy.reauthentication) --------------------------


@pytest.mark.parametrize("persona", ["ksg_staff", "trainer"])
def test_the_export_asks_a_stale_sign_in_to_reauthenticate(request, client, facilitated, persona):
    path = export_url(facilitated)
    sign_in_stale(client, request.getfixturevalue(persona))

    response = client.get(path)

    assert response["Location"] == prompt_for(path)
    assert not AuditEvent.objects.filter(action="enrollments.roster.exported").exists()
    assert client.get(roster_url(facilitated)).status_code == 200  # the page itself needs none


def test_after_reauthenticating_the_export_is_handed_out(client, ksg_staff, run):
    path = export_url(run)
    sign_in_stale(client, ksg_staff)
    client.get(path)

    response = reauthenticate(client, path)

    assert response["Location"] == path
    assert client.get(path).status_code == 200

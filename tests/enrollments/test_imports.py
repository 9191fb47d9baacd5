"""KSG staff's bulk enrolment of a cohort from a CSV file: who may upload, a good file enrolled
in file order, and bad files (wrong header, unknown officer, duplicates, empty, junk, Latin-1, a
formula cell, a row a rule refuses) refused whole with a report naming each line, saving
nothing and telling nobody."""

import hashlib
import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from academy.models import AuditEvent
from enrollments import imports, services
from enrollments.models import Enrollment
from tests.courses.conftest import cohort, days
from tests.enrollments.conftest import enrolled, make_officer, snapshot, waiting_list
from tests.factories import CourseFactory, SkillAreaFactory, UserFactory

State = Enrollment.State


def bulk_url(cohort_):
    return reverse("enrollments:staff_bulk_enrol", args=[cohort_.pk])


def roster_url(cohort_):
    return reverse("enrollments:staff_roster", args=[cohort_.pk])


def csv_upload(content, name="officers.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def numbers_file(officers, header="personal_number") -> str:
    return header + "\n" + "".join(f"{o.officer_profile.personal_number}\n" for o in officers)


@pytest.fixture
def staff(client, ksg_staff):
    client.force_login(ksg_staff)
    return client


def upload(client, cohort_, content, name="officers.csv"):
    return client.post(bulk_url(cohort_), {"file": csv_upload(content, name)})


def problems(response) -> list[tuple]:
    return [(p.line, p.code) for p in response.context["problems"]]


# --- Access --------------------------------------------------------------------------------


def test_the_anonymous_are_sent_to_sign_in(client, run):
    for response in (client.get(bulk_url(run)), upload(client, run, "email\nx@y.go.ke\n")):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "persona", ["wanjiku", "otieno", "trainer", "hr_ict", "hr_treasury", "huawei_reviewer"]
)
def test_only_ksg_staff_may_bulk_enrol(client, request, run, wanjiku, persona):
    run.facilitators.add(request.getfixturevalue("trainer"))
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    assert client.get(bulk_url(run)).status_code == 403
    assert upload(client, run, numbers_file([wanjiku])).status_code == 403
    assert snapshot() == before


def test_the_roster_offers_the_upload_to_staff_only(client, ksg_staff, trainer, run):
    run.facilitators.add(trainer)
    client.force_login(ksg_staff)
    page = client.get(roster_url(run)).content.decode()
    assert "Enrol officers from a CSV file" in page
    assert 'enctype="multipart/form-data"' in page
    assert bulk_url(run) in page
    client.force_login(trainer)
    page = client.get(roster_url(run)).content.decode()
    assert "Enrol officers from a CSV file" not in page
    assert bulk_url(run) not in page


def test_a_draft_cohort_is_not_found(staff, course):
    from courses.models import Cohort

    draft = cohort(course, code="DUG-201-DRAFT", status=Cohort.Status.DRAFT)
    assert staff.get(bulk_url(draft)).status_code == 404


def test_the_page_explains_the_format(staff, run):
    page = staff.get(bulk_url(run)).content.decode()
    assert "personal_number" in page and "email" in page
    assert "All or nothing" in page
    assert 'for="id_file"' in page


# --- A good file ---------------------------------------------------------------------------


def test_a_file_bigger_than_the_free_seats_fills_them_and_queues_the_rest_in_file_order(
    staff,
    ksg_staff,
    run,
    officers,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    people = officers(5)
    ordered = [people[3], people[0], people[4], people[1], people[2]]
    content = numbers_file(ordered)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(staff, run, content, name="dug-201-c1.csv")

    assert response.status_code == 302
    assert response.url == roster_url(run)
    assert enrolled(run) == {o.pk for o in ordered[:3]}
    assert waiting_list(run) == [(ordered[3].pk, 1), (ordered[4].pk, 2)]
    assert all(e.created_by_id == ksg_staff.pk for e in Enrollment.objects.filter(cohort=run))
    event = AuditEvent.objects.get(action="enrollments.cohort.bulk_enrolled")
    assert event.actor == ksg_staff
    assert event.target_id == str(run.pk)
    assert event.data == {
        "cohort": run.code,
        "file": "dug-201-c1.csv",
        "sha256": hashlib.sha256(content.encode()).hexdigest(),
        "rows": 5,
        "enrolled": 3,
        "waitlisted": 2,
        "requested": 0,
    }
    assert len(mailoutbox) == 5
    page = staff.get(response.url).content.decode()
    assert "dug-201-c1.csv: 3 enrolled, 2 on the waiting list, 0 sent" in page


def test_email_and_personal_number_columns_mixed(staff, run, officers):
    a, b, c = officers(3)
    content = (
        "Personal Number, E-mail\n"
        f"{a.officer_profile.personal_number},\n"
        f",{b.email.upper()}\n"
        "\n"
        f" {c.officer_profile.personal_number.lower()} ,\n"
    )
    response = upload(staff, run, "\ufeff" + content)
    assert response.status_code == 302
    assert enrolled(run) == {a.pk, b.pk, c.pk}


def test_a_course_that_needs_approval_gets_requests_from_staff(staff, ksg, officers):
    course = CourseFactory(
        code="DME-301",
        skill_area=SkillAreaFactory(slug="mgmt"),
        provider=ksg,
        requires_approval=True,
    )
    run_ = cohort(course, capacity=1, code="DME-301-C1")
    people = officers(2)
    response = upload(staff, run_, numbers_file(people))
    assert response.status_code == 302
    states = set(Enrollment.objects.filter(cohort=run_).values_list("state", flat=True))
    assert states == {State.REQUESTED}
    event = AuditEvent.objects.get(action="enrollments.cohort.bulk_enrolled")
    assert (event.data["enrolled"], event.data["requested"]) == (0, 2)


def test_semicolon_separated_files_are_read(staff, run, officers):
    a, b = officers(2)
    content = f"email;personal_number\n{a.email};\n;{b.officer_profile.personal_number}\n"
    assert upload(staff, run, content).status_code == 302
    assert enrolled(run) == {a.pk, b.pk}


# --- Bad files: nothing saved, a report naming the lines ------------------------------------


def refused(client, cohort_, content, *, django_capture_on_commit_callbacks, mailoutbox):
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, cohort_, content)
    assert response.status_code == 400
    assert snapshot() == before
    assert callbacks == []
    assert mailoutbox == []
    page = response.content.decode()
    assert "Nothing was saved" in page
    return response


@pytest.fixture
def refuse(staff, run, django_capture_on_commit_callbacks, mailoutbox):
    def check(content, cohort_=None):
        return refused(
            staff,
            cohort_ or run,
            content,
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
            mailoutbox=mailoutbox,
        )

    return check


def test_a_wrong_header(refuse, officers):
    (a,) = officers(1)
    response = refuse(f"name,number\nOfficer 0,{a.officer_profile.personal_number}\n")
    assert problems(response) == [(1, "header")]
    assert "“name” is not a column this file can have" in response.content.decode()


def test_a_file_without_header(refuse, officers):
    (a,) = officers(1)
    response = refuse(f"{a.officer_profile.personal_number}\n")
    assert problems(response) == [(1, "header")]


def test_an_unknown_officer_fails_the_whole_file(refuse, officers, run):
    people = officers(3)
    content = numbers_file(people[:2]) + "PN999999\n" + f"{people[2].email}\n"
    response = refuse(content.replace("personal_number", "personal_number,email", 1))
    # The e-mail on line 5 is in the wrong column (personal_number): unknown too.
    assert problems(response) == [(4, "unknown_officer"), (5, "unknown_officer")]
    page = response.content.decode()
    assert "No officer has this personal number." in page
    assert "PN999999" in page
    assert not Enrollment.objects.filter(cohort=run).exists()


def test_duplicate_rows_are_reported_on_the_later_line(refuse, officers):
    a, b = officers(2)
    content = (
        "email,personal_number\n"
        f",{a.officer_profile.personal_number}\n"
        f"{b.email},\n"
        f"{a.email},\n"
        f",{b.officer_profile.personal_number}\n"
    )
    response = refuse(content)
    assert problems(response) == [(4, "duplicate"), (5, "duplicate")]
    assert "Officer 0 is already on line 2 of this file." in response.content.decode()


def test_an_unknown_officer_repeated_is_unknown_once_then_a_repeat(refuse, officers):
    (a,) = officers(1)
    content = f"personal_number\n{a.officer_profile.personal_number}\nPN999999\npn999999\n"
    response = refuse(content)
    assert problems(response) == [(3, "unknown_officer"), (4, "duplicate")]
    assert "This is a repeat of line 3." in response.content.decode()


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "empty"), (b"\n\n", "empty"), (b" , \n", "empty"), (b"personal_number\n\n", "no_rows")],
)
def test_an_empty_file_or_a_header_alone(refuse, content, code):
    response = refuse(content)
    assert problems(response) == [(None, code)]


def test_five_megabytes_of_junk(refuse):
    response = refuse(random.Random(5).randbytes(5_000_000))
    assert problems(response) == [(None, "too_big")]
    assert "The file is 5.0 MB; the limit is 1.0 MB." in response.content.decode()


def test_a_small_file_of_junk(refuse):
    junk = b"personal_number\nEN000001\n" + random.Random(1).randbytes(20_000)
    response = refuse(junk)
    ((line, code),) = problems(response)
    assert code in ("not_utf8", "not_text")
    assert line >= 3


def test_latin_1_is_refused_naming_the_line(refuse, officers):
    (a,) = officers(1)
    content = f"email\n{a.email}\nmüller@enrol.demo.go.ke\n".encode("latin-1")
    response = refuse(content)
    assert problems(response) == [(3, "not_utf8")]
    assert "Line 3 is not UTF-8 text" in response.content.decode()
    assert "CSV UTF-8" in response.content.decode()


def test_a_formula_cell_is_an_unknown_officer_shown_escaped(refuse, officers):
    (a,) = officers(1)
    formula = "=cmd|' /C calc'!A0"
    content = f'personal_number\n{a.officer_profile.personal_number}\n"{formula}"\n<b>x</b>\n'
    response = refuse(content)
    assert problems(response) == [(3, "unknown_officer"), (4, "unknown_officer")]
    page = response.content.decode()
    assert "=cmd|&#x27; /C calc&#x27;!A0" in page
    assert formula not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<b>x</b>" not in page


def test_both_identifiers_on_a_line_and_too_many_values(refuse, officers):
    a, b = officers(2)
    content = (
        f"email,personal_number\n{a.email},{a.officer_profile.personal_number}\n{b.email},,extra\n"
    )
    response = refuse(content)
    assert problems(response) == [(2, "both"), (3, "columns")]


def test_an_account_without_an_officer_profile(refuse, officers):
    (a,) = officers(1)
    UserFactory(email="no.profile@ksg.demo.ac.ke", full_name="No Profile")
    response = refuse(f"email\n{a.email}\nno.profile@ksg.demo.ac.ke\n")
    assert problems(response) == [(3, "no_profile")]


def test_one_row_out_of_the_audience_fails_the_file(refuse, officers, run):
    people = officers(2)
    senior = make_officer(50, job_group="P")
    response = refuse(numbers_file([people[0], senior, people[1]]))
    assert problems(response) == [(3, "audience")]
    assert escape("This course is for job groups J to M; the officer's is P.") in (
        response.content.decode()
    )
    assert not Enrollment.objects.filter(cohort=run).exists()


def test_every_bad_row_is_reported_at_once(refuse, officers):
    people = officers(2)
    senior = make_officer(50, job_group="P")
    content = numbers_file([people[0], senior, people[1]]).replace(
        f"{people[1].officer_profile.personal_number}\n",
        f"NOBODY1\n{people[0].officer_profile.personal_number}\n",
    )
    response = refuse(content)
    assert problems(response) == [(3, "audience"), (4, "unknown_officer"), (5, "duplicate")]


def test_uploading_the_same_file_again_is_refused_clearly(staff, refuse, run, officers):
    people = officers(2)
    content = numbers_file(people)
    assert upload(staff, run, content).status_code == 302
    response = refuse(content)
    assert problems(response) == [(2, "already_in_cohort"), (3, "already_in_cohort")]
    assert "Officer 0 is already in this cohort (enrolled)." in response.content.decode()


def test_a_closed_cohort_is_reported_once(refuse, course, officers):
    closed = cohort(
        course,
        starts_in=2,
        code="DUG-201-SOON",
        enrolment_opens_on=days(-20),
        enrolment_closes_on=days(-1),
    )
    response = refuse(numbers_file(officers(3)), cohort_=closed)
    assert problems(response) == [(None, "window_closed")]


def test_too_many_rows(refuse, monkeypatch, officers):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    response = refuse(numbers_file(officers(3)))
    assert problems(response) == [(4, "too_many_rows")]


def test_no_file_chosen(staff, run):
    before = snapshot()
    response = staff.post(bulk_url(run), {})
    assert response.status_code == 400
    assert "Choose the CSV file to upload." in response.content.decode()
    assert snapshot() == before


# --- Reading files -------------------------------------------------------------------------


def test_line_numbers_count_blank_lines_and_quoted_newlines():
    rows = imports.parse_csv(
        b'\n"personal_number"\nA1\n\n"B\n2"\r\nC3\n', columns=imports.STAFF_COLUMNS
    )
    assert [(r.line, r.value) for r in rows] == [(3, "A1"), (5, "B\n2"), (7, "C3")]


def test_nominations_files_take_personal_numbers_only():
    with pytest.raises(imports.ImportRefused) as refusal:
        imports.parse_csv(b"email\na@b.go.ke\n", columns=imports.NOMINATION_COLUMNS)
    assert [(p.line, p.code) for p in refusal.value.problems] == [(1, "header")]


def test_a_repeated_column_is_refused():
    with pytest.raises(imports.ImportRefused) as refusal:
        imports.parse_csv(b"email,E-mail\na@b.go.ke,\n", columns=imports.STAFF_COLUMNS)
    assert refusal.value.problems[0].code == "header"


def test_long_values_are_cut_short_in_the_report(ksg_staff, run):
    rows = imports.parse_csv(b"email\n" + b"x" * 500 + b"\n", columns=imports.STAFF_COLUMNS)
    with pytest.raises(imports.ImportRefused) as refusal:
        imports.cohort_bulk_enrol(cohort=run, by=ksg_staff, rows=rows)
    (problem,) = refusal.value.problems
    assert (problem.line, problem.code) == (2, "unknown_officer")
    assert len(problem.value) == imports.VALUE_SHOWN
    assert problem.value.endswith("…")


# --- Against individual enrolments, on PostgreSQL --------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_bulk_upload_racing_individual_enrolments_never_overbooks(course, ksg_staff, officers):
    five_seats = cohort(course, capacity=5, code="DUG-201-RACE")
    in_file = officers(6)
    alone = officers(6, start=100)
    barrier = threading.Barrier(1 + len(alone))

    def bulk():
        rows = [imports.identifier_of(o.email, line=n + 2) for n, o in enumerate(in_file)]
        return imports.cohort_bulk_enrol(cohort=five_seats, by=ksg_staff, rows=rows)

    def call(work):
        try:
            barrier.wait(timeout=60)
            return work()
        except Exception as error:  # handed back to the test
            return error
        finally:
            connection.close()

    calls = [bulk] + [
        (lambda o=o: services.enrollment_create(officer=o, cohort=five_seats)) for o in alone
    ]
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        results = list(pool.map(call, calls))

    assert [r for r in results if isinstance(r, Exception)] == []
    assert len(enrolled(five_seats)) == 5
    line = waiting_list(five_seats)
    assert [position for _, position in line] == list(range(1, 8))
    # The file's officers stay in file order among themselves, on seats and in line.
    file_order = [o.pk for o in in_file]
    seated = [o for o in file_order if o in enrolled(five_seats)]
    queued = [o for o, _ in line if o in file_order]
    assert seated + queued == file_order

"""GET /api/v1/reports/completions/: the completions report's rows for HR systems, scoped to
the training officer's organisations, cursor-paginated."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from certificates.models import Certificate

pytestmark = pytest.mark.django_db
URL = reverse("api_report_completions")
Q1 = {"from": "2026-01-01", "to": "2026-03-31"}


def with_token(user) -> APIClient:
    """A client that authenticates as an HR system would: with the account's API token."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def names(response):
    return sorted(row["officer"]["name"] for row in response.json()["results"])


def test_a_training_officer_gets_their_organisations_completions_of_the_period(world, hr_ict):
    response = with_token(hr_ict).get(URL, Q1)
    assert response.status_code == 200
    assert names(response) == ["Achieng", "Kamau", "Wanjiku"]
    kamau = next(r for r in response.json()["results"] if r["officer"]["name"] == "Kamau")
    assert kamau["organisation"] == {"id": world.ministry.pk, "name": world.ministry.name}
    assert kamau["course_code"] == "DPD-101"
    assert kamau["skill_area"] == "Digital Planning and Design"
    assert kamau["level"] == "foundation"
    assert kamau["cpd_hours"] == 30
    assert kamau["cohort"] == "DPD-101-FEB"
    assert kamau["score"] == 74
    # 23:30 on 31 March in Nairobi, given with its offset.
    assert kamau["completed_at"] == "2026-03-31T23:30:00+03:00"
    assert kamau["certificate_serial"] is None


def certificate(enrolment, serial, **fields):
    return Certificate.objects.create(
        enrollment=enrolment,
        serial=serial,
        officer_name=enrolment.officer.full_name,
        course_code=enrolment.course.code,
        course_title=enrolment.course.title,
        skill_area=enrolment.course.skill_area.name,
        level=enrolment.course.level,
        cpd_hours=enrolment.course.cpd_hours,
        provider="Kenya School of Government",
        cohort_code=enrolment.cohort.code,
        cohort_starts_on=enrolment.cohort.starts_on,
        cohort_ends_on=enrolment.cohort.ends_on,
        **fields,
    )


def test_the_valid_certificates_serial_is_given(world, hr_ict):
    enrolment = world.enrolments.wanjiku_a1
    current = certificate(enrolment, "KSG-2026-000002")
    certificate(
        enrolment, "KSG-2026-000001", status=Certificate.Status.SUPERSEDED, superseded_by=current
    )
    rows = with_token(hr_ict).get(URL, Q1).json()["results"]
    wanjiku = next(r for r in rows if r["officer"]["name"] == "Wanjiku")
    assert wanjiku["certificate_serial"] == "KSG-2026-000002"


def test_filters_narrow_to_a_sub_unit_and_a_skill_area(world, hr_ict):
    client = with_token(hr_ict)
    sub_unit = client.get(URL, {**Q1, "organisation": world.state_department.pk})
    assert names(sub_unit) == ["Achieng", "Wanjiku"]
    data = client.get(URL, {**Q1, "skill_area": "data-use-and-governance"})
    assert names(data) == ["Achieng"]
    april = client.get(URL, {"from": "2026-04-01", "to": "2026-04-30"})
    assert names(april) == ["Owino"]


def test_a_token_of_the_treasury_gets_nothing_of_the_ministry_of_ict(world, hr_treasury):
    client = with_token(hr_treasury)
    assert names(client.get(URL, Q1)) == ["Otieno"]
    for organisation in (world.ministry, world.state_department, world.directorate):
        response = client.get(URL, {**Q1, "organisation": organisation.pk})
        assert response.status_code == 404
        assert response.json() == {"detail": "There is no organisation with this number for you."}


def test_ksg_staff_see_every_organisation_or_one(world, ksg_staff):
    client = with_token(ksg_staff)
    assert names(client.get(URL, Q1)) == ["Achieng", "Kamau", "Otieno", "Wanjiku"]
    assert names(client.get(URL, {**Q1, "organisation": world.treasury.pk})) == ["Otieno"]


@pytest.mark.parametrize("persona", ["officer", "trainer", "huawei_reviewer"])
def test_who_may_not_report_is_refused(world, persona, trainer, huawei_reviewer):
    user = {"officer": world.officers.wanjiku, "trainer": trainer}.get(persona) or huawei_reviewer
    response = with_token(user).get(URL, Q1)
    assert response.status_code == 403
    assert "detail" in response.json()


def test_anonymous_is_asked_to_authenticate(world):
    assert APIClient().get(URL, Q1).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-03-31", "to": "2026-01-01"}, "to"),
        ({"skill_area": "no-such-area"}, "skill_area"),
        ({"level": "expert"}, "level"),
        ({"organisation": "ministry"}, "organisation"),
    ],
)
def test_bad_filters_get_field_errors(world, hr_ict, params, field):
    response = with_token(hr_ict).get(URL, params)
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert field in response.json(), response.json()


def test_pages_follow_a_cursor_without_repeating_or_missing_a_row(world, ksg_staff):
    client = with_token(ksg_staff)
    seen = []
    page = client.get(URL, {**Q1, "page_size": 1}).json()
    while True:
        seen += [row["id"] for row in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert len(seen) == len(set(seen)) == 4


def test_the_list_takes_the_same_number_of_queries_for_more_rows(
    world, hr_ict, django_assert_max_num_queries
):
    client = with_token(hr_ict)
    with django_assert_max_num_queries(8):
        client.get(URL, Q1)


def test_the_endpoint_is_in_the_schema(client):
    schema = client.get(reverse("api_schema")).content.decode()
    assert "/api/v1/reports/completions/" in schema


def test_every_page_read_is_audited_with_its_filters_and_rows(world, hr_ict):
    from academy.models import AuditEvent

    with_token(hr_ict).get(URL, {**Q1, "organisation": world.state_department.pk})
    event = AuditEvent.objects.get(action="reports.completions.read")
    assert event.actor == hr_ict
    assert event.data == {
        "filters": {
            "from": "2026-01-01",
            "to": "2026-03-31",
            "organisation": str(world.state_department.pk),
        },
        "rows": 2,
    }


@pytest.mark.parametrize("size", ["abc", "0", "-5", "1001", "null"])
def test_a_page_size_it_cannot_use_is_a_400_not_the_default(world, hr_ict, size):
    """DRF's cursor pagination read these as "the default size" (schemathesis found it)."""
    response = with_token(hr_ict).get(URL, {**Q1, "page_size": size})
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


def test_the_largest_page_size_is_taken(world, hr_ict):
    assert with_token(hr_ict).get(URL, {**Q1, "page_size": 1000}).status_code == 200

"""The partners API: scoped to the partner for reviewers (404 on every object of another's),
review actions with JSON refusals, KPIs without personal data, in the OpenAPI schema."""

import datetime

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partners.models import Deliverable, Kpi
from tests.factories import CourseFactory, EnrollmentFactory
from tests.partners.test_kpis import ending_on

pytestmark = pytest.mark.django_db
ReviewState = Deliverable.ReviewState


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


@pytest.fixture
def objects(mou, ksg_deliverable, manual_kpi):
    return {"agreement": mou.pk, "deliverable": ksg_deliverable.pk, "kpi": manual_kpi.pk}


OBJECT_URLS = [
    ("get", "api_partner_agreement", "agreement"),
    ("get", "api_partner_deliverable", "deliverable"),
    ("post", "api_partner_deliverable_submit", "deliverable"),
    ("post", "api_partner_deliverable_start_review", "deliverable"),
    ("post", "api_partner_deliverable_accept", "deliverable"),
    ("post", "api_partner_deliverable_request_changes", "deliverable"),
    ("post", "api_partner_deliverable_comment", "deliverable"),
    ("get", "api_partner_kpi", "kpi"),
]
LIST_URLS = ["api_partner_agreements", "api_partner_deliverables", "api_partner_kpis"]


@pytest.mark.parametrize(("method", "name", "target"), OBJECT_URLS)
def test_another_partners_reviewer_gets_404_on_every_object(
    api, objects, icdl_reviewer, method, name, target
):
    response = getattr(as_user(api, icdl_reviewer), method)(
        reverse(name, args=[objects[target]]), {"reason": "x", "comment": "x"}, format="json"
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize("name", LIST_URLS)
def test_another_partners_reviewer_lists_nothing(api, objects, icdl_reviewer, name):
    response = as_user(api, icdl_reviewer).get(reverse(name))
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("name", LIST_URLS)
def test_huaweis_reviewer_and_staff_list_huaweis(api, objects, huawei_reviewer, ksg_staff, name):
    for user in (huawei_reviewer, ksg_staff):
        assert as_user(api, user).get(reverse(name)).json()["count"] >= 1


@pytest.mark.parametrize("name", LIST_URLS)
def test_officers_are_refused_and_anonymous_must_sign_in(api, objects, wanjiku, name):
    assert api.get(reverse(name)).status_code in (401, 403)
    response = as_user(api, wanjiku).get(reverse(name))
    assert response.status_code == 403
    assert response.json()["detail"] == "Only KSG staff and partner reviewers may do this."


def test_the_agreement_has_its_parties(api, mou, huawei_reviewer):
    data = as_user(api, huawei_reviewer).get(reverse("api_partner_agreement", args=[mou.pk])).json()
    assert data["reference"] == mou.reference
    assert data["status"] == "active"
    assert [p["organisation"] for p in data["parties"]] == [
        "Kenya School of Government",
        "Huawei Technologies (Kenya) Co. Ltd",
    ]


def test_a_bad_filter_is_a_400_with_field_errors(api, huawei_reviewer):
    response = as_user(api, huawei_reviewer).get(
        reverse("api_partner_deliverables"), {"review_state": "done"}
    )
    assert response.status_code == 400
    assert response.json() == {"review_state": ["Unknown review state done."]}


def test_review_through_the_api(api, ksg_deliverable, ksg_staff, huawei_reviewer):
    pk = ksg_deliverable.pk
    staff = APIClient()
    staff.force_authenticate(ksg_staff)
    reviewer = as_user(api, huawei_reviewer)

    response = staff.post(reverse("api_partner_deliverable_submit", args=[pk]), {}, format="json")
    assert response.status_code == 200
    assert response.json()["review_state"] == "submitted"

    response = reviewer.post(
        reverse("api_partner_deliverable_request_changes", args=[pk]), {}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"reason": ["This field is required."]}

    response = reviewer.post(
        reverse("api_partner_deliverable_request_changes", args=[pk]),
        {"reason": "Add the list of officers trained, by county."},
        format="json",
    )
    assert response.json()["review_state"] == "changes_requested"

    response = reviewer.post(reverse("api_partner_deliverable_accept", args=[pk]), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "wrong_state"
    assert "changes requested" in response.json()["detail"]

    staff.post(
        reverse("api_partner_deliverable_comment", args=[pk]),
        {"comment": "Added."},
        format="json",
    )
    staff.post(reverse("api_partner_deliverable_submit", args=[pk]), format="json")
    reviewer.post(reverse("api_partner_deliverable_start_review", args=[pk]), format="json")
    data = reviewer.post(reverse("api_partner_deliverable_accept", args=[pk]), format="json").json()

    assert data["review_state"] == "accepted"
    assert [entry["decision"] for entry in data["thread"]] == [
        "submitted",
        "changes_requested",
        "comment",
        "submitted",
        "review_started",
        "accepted",
    ]


def test_the_kpi_breakdown_holds_counts_only(api, mou, huawei_reviewer, wanjiku):
    course = CourseFactory(code="DUG-501")
    kpi = Kpi.objects.create(agreement=mou, name="Officers trained", kind="training", target=4)
    kpi.courses.set([course])
    run = ending_on(course, timezone.localdate() - datetime.timedelta(days=2), "A-1")
    EnrollmentFactory(officer=wanjiku, cohort=run, state="completed")

    client = as_user(api, huawei_reviewer)
    data = client.get(reverse("api_partner_kpi", args=[kpi.pk])).json()

    assert data["actual"] == "1.00"
    assert data["percent"] == 25
    # One officer from one county: pooled with the other small counties, and no number shown.
    assert data["by_county"] == [
        {"label": "Other counties (fewer than 5 officers each)", "officers": None}
    ]
    assert data["by_gender"] == [{"label": "Not stated", "officers": 1}]
    body = str(data)
    assert "Wanjiku" not in body and "2019001234" not in body
    listed = client.get(reverse("api_partner_kpis")).json()["results"]
    assert {row["name"] for row in listed} == {"Officers trained"}


def test_the_partner_api_is_in_the_schema_with_its_errors(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    assert {
        "/api/v1/partners/agreements/",
        "/api/v1/partners/deliverables/",
        "/api/v1/partners/deliverables/{id}/request-changes/",
        "/api/v1/partners/kpis/",
    } <= set(paths)
    changes = paths["/api/v1/partners/deliverables/{id}/request-changes/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404"} <= set(changes)
    assert "reason_required" in changes["400"]["description"]


def test_every_partner_api_url_is_classified():
    from django.urls import get_resolver

    names = {
        name
        for name in get_resolver().reverse_dict
        if isinstance(name, str) and name.startswith("api_partner_")
    }
    assert names == {name for _m, name, _t in OBJECT_URLS} | set(LIST_URLS)

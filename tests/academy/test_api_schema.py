"""The OpenAPI 3 description of the whole API: valid, warning-free, served and documented."""

import yaml
from django.core.management import call_command
from django.urls import reverse


def test_the_schema_validates_against_openapi_3_without_warnings(tmp_path):
    """drf-spectacular checks the generated document against the OpenAPI 3.0 JSON schema and,
    with --fail-on-warn, fails on any view it could not describe (a missing serializer, a
    colliding operation id)."""
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    assert schema["openapi"].startswith("3.")
    operation_ids = [
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    ]
    assert len(operation_ids) == len(set(operation_ids))
    assert {"/api/v1/courses/", "/api/v1/courses/{code}/", "/api/v1/cohorts/"} <= set(
        schema["paths"]
    )


def test_the_schema_and_its_documentation_are_served(client, db):
    schema = client.get(reverse("api_schema"))
    assert schema.status_code == 200
    assert b"/api/v1/courses/" in schema.content
    docs = client.get(reverse("api_docs"))
    assert docs.status_code == 200


def _operations(client):
    schema = client.get(reverse("api_schema"), {"format": "json"}).json()
    return {
        (method.upper(), path): operation
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def test_every_operation_lists_the_errors_drf_can_answer_with(client, db):
    """401 and 403 wherever a caller must sign in, 404 wherever there is an object or a page to
    miss, 400 wherever there is input (academy.api.schema; schemathesis found them missing)."""
    for (method, path), operation in _operations(client).items():
        responses = set(operation["responses"])
        public = {} in operation.get("security", [{}]) or not operation.get("security")
        if not public:
            assert {"401", "403"} <= responses, (method, path)
        if "{" in path:
            assert "404" in responses, (method, path)
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        if method == "POST" or names:
            assert "400" in responses, (method, path)
        if method == "POST":
            assert "415" in responses, (method, path)


def test_a_body_in_a_format_the_api_does_not_read_is_a_json_415(client, hr_ict):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(hr_ict)
    response = api.post(reverse("api_report_request"), "kind=x", content_type="text/plain")
    assert response.status_code == 415
    assert "detail" in response.json()


def test_paging_parameters_carry_the_bounds_the_api_enforces(client, db):
    operations = _operations(client)
    roster = {p["name"]: p for p in operations["GET", "/api/v1/partners/kpis/"]["parameters"]}
    assert roster["page"]["schema"]["minimum"] == 1
    assert (roster["page_size"]["schema"]["minimum"], roster["page_size"]["schema"]["maximum"]) == (
        1,
        100,
    )
    assert "allowEmptyValue" not in roster["page_size"]
    completions = {
        p["name"]: p for p in operations["GET", "/api/v1/reports/completions/"]["parameters"]
    }
    assert completions["page_size"]["schema"]["maximum"] == 1000
    # An optional filter sent empty means "not given", and the schema says so.
    assert completions["level"]["allowEmptyValue"] is True
    cohorts = {p["name"]: p for p in operations["GET", "/api/v1/cohorts/"]["parameters"]}
    assert cohorts["starts_before"]["allowEmptyValue"] is True

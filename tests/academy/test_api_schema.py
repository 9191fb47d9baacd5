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

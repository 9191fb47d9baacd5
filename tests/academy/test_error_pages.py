"""The API answers errors in JSON, pages answer with the site's own error page."""

import pytest


@pytest.mark.django_db
def test_unknown_api_url_is_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_unknown_page_is_html_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.django_db
def test_api_server_error_is_json(settings):
    """An unexpected exception under /api/ is logged and answered as JSON, never HTML."""
    from django.test import RequestFactory

    from academy.views import server_error

    response = server_error(RequestFactory().get("/api/v1/courses/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_page_server_error_is_plain_html():
    from django.test import RequestFactory

    from academy.views import server_error

    response = server_error(RequestFactory().get("/courses/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


@pytest.mark.django_db
def test_a_refused_request_gets_the_400_page_or_json(client):
    """Django's SuspiciousOperation (here an unknown Host) is answered by academy.views
    .bad_request: the site's own page, or JSON under /api/."""
    page = client.get("/courses/", HTTP_HOST="evil.example")
    assert page.status_code == 400
    assert b"The request was refused" in page.content
    assert b"could not be understood" in page.content
    api = client.get("/api/v1/courses/", HTTP_HOST="evil.example")
    assert api.status_code == 400
    assert api.json() == {"detail": "The request could not be understood. Go back and try again."}

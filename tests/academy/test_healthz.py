"""/healthz tells a load balancer whether the database and the broker answer."""

from unittest import mock

import pytest
from django.urls import reverse

from academy.celery import app as celery_app


@pytest.fixture
def real_broker(settings):
    """Point Celery at the real Redis, as a deployment with a broker would be."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = settings.REDIS_URL
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous


@pytest.mark.django_db
def test_healthy_with_eager_tasks(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "broker": "eager", "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.redis
@pytest.mark.django_db
def test_healthy_with_real_redis_broker(client, real_broker):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_unreachable_broker_is_503(client):
    previous = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    # A port nothing listens on: the connection is refused at once.
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("healthz"))
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error", "status": "error"}


@pytest.mark.django_db
def test_database_failure_is_503(client):
    with mock.patch("academy.views.connection") as connection:
        connection.cursor.side_effect = Exception("server closed the connection")
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.django_db
def test_only_get(client):
    assert client.post(reverse("healthz")).status_code == 405

"""The Celery app is configured as DESIGN.md says: nothing acknowledged before it is done."""

from academy.celery import app


def test_tasks_are_acknowledged_late_one_at_a_time():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_serializer == "json"


def test_no_broker_means_eager(monkeypatch):
    """With no REDIS_URL/CELERY_BROKER_URL the settings module makes tasks run in-process."""
    import importlib

    import academy.settings as settings_module

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    try:
        fresh = importlib.reload(settings_module)
        assert fresh.CELERY_BROKER_URL == ""
        assert fresh.CELERY_TASK_ALWAYS_EAGER is True
    finally:
        importlib.reload(settings_module)


def test_a_broker_url_turns_eager_off(monkeypatch):
    import importlib

    import academy.settings as settings_module

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/9")
    try:
        fresh = importlib.reload(settings_module)
        assert fresh.CELERY_BROKER_URL == "redis://127.0.0.1:6379/9"
        assert fresh.CELERY_TASK_ALWAYS_EAGER is False
    finally:
        importlib.reload(settings_module)

from django.apps import AppConfig


class AcademyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "academy"

    def ready(self):
        from academy import mfa  # noqa: F401  (registers the MFA encryption key check)
        from academy.sessions import connect_signals

        connect_signals()

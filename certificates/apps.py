from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from certificates import checks  # noqa: F401  (registers the system checks)
        from certificates.signals import connect_signals

        connect_signals()

from django.apps import AppConfig


class AcademyConfig(AppConfig):
    name = "academy"

    def ready(self):
        from academy.sessions import connect_signals

        connect_signals()

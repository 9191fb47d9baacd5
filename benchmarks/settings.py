"""Settings for benchmark runs: the portal's own settings, plus the baseline views' URLs.

The baselines live only here, never in the portal's URL configuration.
"""

from academy.settings import *  # noqa: F403
from academy.settings import INSTALLED_APPS

ROOT_URLCONF = "benchmarks.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
# Served over plain HTTP on loopback; static files are not part of what is measured.
SECURE_SSL_REDIRECT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

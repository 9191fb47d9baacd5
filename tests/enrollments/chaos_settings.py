"""Settings of the Celery workers the chaos test starts as processes of their own: the portal's
settings (database and broker from the environment, as in production), with every e-mail
recorded as a file in CHAOS_MAIL_DIR (``tests.enrollments.chaos_mail``)."""

import os

from academy.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.enrollments.chaos_mail.EmailBackend"
EMAIL_FILE_PATH = os.environ["CHAOS_MAIL_DIR"]

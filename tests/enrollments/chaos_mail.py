"""An e-mail backend for the chaos test: each message handed over is a file of its own.

A message is written to a temporary name, flushed to disk (fsync), then renamed into place, so
that a file is either a whole message or absent, whenever the sending process is killed (and
its bytes are on disk before it counts). ``send_messages`` returns after the rename: that is the
moment the message counts as handed over, as when an SMTP server has answered 250.

With ``CHAOS_HANG_AFTER=n`` in the environment, the process stops still (sleeps) right after
handing over the message that makes ``n`` in the folder, before returning: a worker killed then
is caught in the window between the mail server's answer and the row's commit.
"""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(settings.EMAIL_FILE_PATH)
        for message in email_messages:
            name = uuid.uuid4().hex
            temporary = directory / f".{name}.tmp"
            data = message.message().as_bytes()
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            # Atomic: a killed process leaves a whole message or none. (Surviving a power cut
            # would need the directory synced too, at ~8 ms a message; the test kills
            # processes, not the machine.)
            os.rename(temporary, directory / f"{name}.eml")
            hang_after = int(os.environ.get("CHAOS_HANG_AFTER", "0"))
            if hang_after and len(list(directory.glob("*.eml"))) >= hang_after:
                time.sleep(600)  # until the test kills the worker
        return len(email_messages)

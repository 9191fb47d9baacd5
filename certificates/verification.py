"""Verifying a certificate: where it is verified, and whether a file is the one issued.

``verification_url`` is the one place that knows the public address printed (as a QR code) on
every certificate. It is absolute (``PORTAL_URL``) because it is printed on paper and scanned by
phones, far from any request.

A code is 176 random bits (``models.new_verification_code``): guessing one that exists is
hopeless, and the per-address rate limit (``certificates.ratelimit``) makes trying expensive.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.urls import reverse

# What new_verification_code() makes (token_urlsafe), with room to spare; anything else is
# answered "not found" without a query.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# A certificate PDF is about 100 kB; a few MB is plenty and keeps a flood of uploads cheap.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def verification_url(certificate) -> str:
    """The public address that verifies ``certificate``: ``PORTAL_URL/verify/<code>/``."""
    path = reverse("certificates:verify", kwargs={"code": certificate.verification_code})
    return f"{settings.PORTAL_URL}{path}"


def is_well_formed(code: str) -> bool:
    return bool(CODE_PATTERN.match(code or ""))


class HashedUpload(UploadedFile):
    """An uploaded file of which only its size, SHA-256 and first bytes were kept."""

    def __init__(self, *, name, content_type, size, sha256, head, too_large):
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.sha256 = sha256
        self.head = head
        self.too_large = too_large

    @property
    def looks_like_pdf(self) -> bool:
        return self.head.startswith(b"%PDF-")


class HashingUploadHandler(FileUploadHandler):
    """Hashes an upload as it arrives and keeps nothing else: the file is never written to
    memory or disk whole. Past ``MAX_UPLOAD_BYTES`` it stops reading the request."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._hash = hashlib.sha256()
        self._size = 0
        self._head = b""
        self._too_large = False

    def receive_data_chunk(self, raw_data, start):
        self._size += len(raw_data)
        if len(self._head) < 8:
            self._head += raw_data[:8]
        if self._size > MAX_UPLOAD_BYTES:
            self._too_large = True
            self.request.verify_upload = self._complete()
            raise StopUpload(connection_reset=False)
        self._hash.update(raw_data)
        return None

    def file_complete(self, file_size):
        upload = self._complete()
        self.request.verify_upload = upload
        return upload

    def _complete(self) -> HashedUpload:
        return HashedUpload(
            name=self.file_name,
            content_type=self.content_type,
            size=self._size,
            sha256=self._hash.hexdigest(),
            head=self._head[:8],
            too_large=self._too_large,
        )

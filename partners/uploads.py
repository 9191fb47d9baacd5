"""Checking an uploaded document before anything of it is stored.

Only PDF, Word (DOCX), Excel (XLSX), PNG and JPEG files are taken, and the check reads the file's
content, not its name: the first bytes must be those of one of these formats, and the name must
end as that format does. DOCX and XLSX are zip archives: the archive's ``[Content_Types].xml``
must declare a Word document or an Excel workbook (a macro-enabled one is refused), and the
archive must not unpack to more than ``PARTNER_UPLOAD_MAX_UNPACKED_BYTES`` or hold more than
``PARTNER_UPLOAD_MAX_ZIP_ENTRIES`` entries (a zip bomb). A refusal says which rule and why.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF, DOCX, XLSX, PNG, JPEG = "pdf", "docx", "xlsx", "png", "jpeg"

# What each format is called, its content type and the name endings it may have.
FORMATS = {
    PDF: ("PDF", "application/pdf", (".pdf",)),
    DOCX: (
        "Word (DOCX)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    XLSX: (
        "Excel (XLSX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
    PNG: ("PNG", "image/png", (".png",)),
    JPEG: ("JPEG", "image/jpeg", (".jpg", ".jpeg")),
}
IMAGES = (PNG, JPEG)

_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
_ZIP_MAGIC = b"PK\x03\x04"
# The main part an Office archive declares, and a part it must hold.
_OFFICE_MAIN = {
    DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/document.xml",
    ),
    XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "xl/workbook.xml",
    ),
}
# [Content_Types].xml is a few kilobytes; reading more than this of it is never needed.
_CONTENT_TYPES_LIMIT = 1024 * 1024
_NAME_LIMIT = 200


class UploadRefused(Exception):
    """The file is refused; ``message`` says why, for the person who sent it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    format: str
    content_type: str
    extension: str
    name: str
    size: int
    sha256: str


class SizeLimitHandler(FileUploadHandler):
    """Reads an uploaded file no further than ``PARTNER_UPLOAD_MAX_BYTES``: past it, the rest
    of the file is skipped (never written anywhere) and ``request.upload_too_large`` names it,
    so that the view can say why instead of reading a 50 MB file first.

    Django's own handlers come after this one: they store what it passes on, and close (so
    delete) what they stored when it skips the file."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.PARTNER_UPLOAD_MAX_BYTES

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.upload_too_large = self.file_name
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_message(name: str) -> str:
    return _("The file %(name)s is larger than %(limit)s, the most a file may be.") % {
        "name": name,
        "limit": filesizeformat(settings.PARTNER_UPLOAD_MAX_BYTES),
    }


def allowed_formats_text() -> str:
    return ", ".join(label for label, _type, _ends in FORMATS.values())


def check_upload(upload, *, only: tuple[str, ...] | None = None) -> CheckedFile:
    """The file's format, clean name, size and SHA-256, or UploadRefused. Reads the file and
    leaves it at its start; stores nothing."""
    name = _check_name(getattr(upload, "name", "") or "")
    size = upload.size
    limit = settings.PARTNER_UPLOAD_MAX_BYTES
    if size == 0:
        raise UploadRefused("empty", _("The file %(name)s is empty.") % {"name": name})
    if size > limit:
        raise UploadRefused(
            "too_large",
            _("The file %(name)s is %(size)s; files may be at most %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = _format_of(head, name)
    if kind is None and head.startswith(_ZIP_MAGIC):
        kind = _office_format(upload, name)
    if kind is None:
        raise UploadRefused("not_allowed", _not_allowed_message(head, name))
    label, content_type, endings = FORMATS[kind]
    if only is not None and kind not in only:
        raise UploadRefused(
            "not_allowed",
            _("%(name)s is a %(format)s file; only %(allowed)s files are taken here.")
            % {
                "name": name,
                "format": label,
                "allowed": ", ".join(FORMATS[k][0] for k in only),
            },
        )
    if not name.lower().endswith(endings):
        raise UploadRefused(
            "wrong_extension",
            _(
                "%(name)s is a %(format)s file but its name does not end in %(ending)s: "
                "rename it and send it again."
            )
            % {"name": name, "format": label, "ending": endings[0]},
        )
    return CheckedFile(
        format=kind,
        content_type=content_type,
        extension=endings[0],
        name=name,
        size=size,
        sha256=_sha256(upload),
    )


def _check_name(name: str) -> str:
    """The uploader's file name, kept only as a label: refused when it names a path."""
    name = unicodedata.normalize("NFC", name).strip()
    if not name:
        raise UploadRefused("bad_name", _("The file has no name."))
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise UploadRefused(
            "bad_name",
            _("The file name %(name)s names a folder or path: send the file under a plain name.")
            % {"name": name[:_NAME_LIMIT]},
        )
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise UploadRefused(
            "bad_name", _("The file name contains control characters: rename the file.")
        )
    if len(name) > _NAME_LIMIT:
        raise UploadRefused(
            "bad_name",
            _("The file name is longer than %(limit)d characters: shorten it.")
            % {"limit": _NAME_LIMIT},
        )
    return name


def _format_of(head: bytes, name: str) -> str | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _not_allowed_message(head: bytes, name: str) -> str:
    if head.lstrip().startswith(b"<"):
        return _(
            "%(name)s is a web page, SVG or XML file, whatever its name says; only %(allowed)s "
            "files are taken."
        ) % {"name": name, "allowed": allowed_formats_text()}
    return _("%(name)s is not a %(allowed)s file, whatever its name says.") % {
        "name": name,
        "allowed": allowed_formats_text(),
    }


def _office_format(upload, name: str) -> str | None:
    """DOCX or XLSX for a zip archive that declares one and is safe to unpack; else refused."""
    max_entries = settings.PARTNER_UPLOAD_MAX_ZIP_ENTRIES
    max_unpacked = settings.PARTNER_UPLOAD_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                raise UploadRefused(
                    "zip_bomb",
                    _("%(name)s holds %(count)d parts; an Office file may hold at most %(limit)d.")
                    % {"name": name, "count": len(entries), "limit": max_entries},
                )
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > max_unpacked:
                raise UploadRefused(
                    "zip_bomb",
                    _(
                        "%(name)s would unpack to %(size)s, more than the %(limit)s an Office "
                        "file may hold: it is refused as a possible zip bomb."
                    )
                    % {
                        "name": name,
                        "size": filesizeformat(unpacked),
                        "limit": filesizeformat(max_unpacked),
                    },
                )
            parts = {entry.filename for entry in entries}
            if any(part.lower().endswith("vbaproject.bin") for part in parts):
                raise UploadRefused(
                    "macros",
                    _("%(name)s contains macros; send it as a plain DOCX or XLSX file.")
                    % {"name": name},
                )
            if "[Content_Types].xml" not in parts:
                return None
            # Read at most the limit, whatever the archive's header says the part's size is.
            with archive.open("[Content_Types].xml") as part:
                declared = part.read(_CONTENT_TYPES_LIMIT + 1)
            if len(declared) > _CONTENT_TYPES_LIMIT:
                return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
        raise UploadRefused(
            "damaged",
            _("%(name)s looks like an Office file but is damaged: it can't be opened.")
            % {"name": name},
        ) from None
    finally:
        upload.seek(0)
    text = declared.decode("utf-8", errors="replace")
    for kind, (main_type, main_part) in _OFFICE_MAIN.items():
        if f'ContentType="{main_type}"' in text and main_part in parts:
            return kind
    return None


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()

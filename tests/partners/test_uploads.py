"""Uploads: only PDF, DOCX, XLSX, PNG and JPEG, checked by content; hostile files are refused
with a clear message and nothing is stored; what is taken is stored under a random name with
its SHA-256 and uploader."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile

from academy.models import AuditEvent
from partners import services, uploads
from partners.models import Document

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def office(main: str, part: str, extra: dict[str, bytes] | None = None) -> bytes:
    content_types = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Override PartName="/{part}" ContentType="{main}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(part, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office(WORD_MAIN, "word/document.xml")
XLSX = office(EXCEL_MAIN, "xl/workbook.xml")


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def upload(mou, by, name, content):
    return services.document_upload(
        upload=SimpleUploadedFile(name, content),
        kind=Document.Kind.EVIDENCE,
        by=by,
        agreement=mou,
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Signed MoU.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("photo.JPG", JPEG, "image/jpeg"),
        ("report.docx", DOCX, uploads.FORMATS[uploads.DOCX][1]),
        ("figures.xlsx", XLSX, uploads.FORMATS[uploads.XLSX][1]),
    ],
)
def test_the_five_formats_are_taken(mou, ksg_staff, _media, name, content, content_type):
    document = upload(mou, ksg_staff, name, content)

    assert document.content_type == content_type
    assert document.original_name == name
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    assert document.uploaded_by == ksg_staff
    assert document.partner == mou.partner
    # Stored under a random name that keeps nothing of the uploader's.
    stored = Path(document.file.path)
    assert stored.read_bytes() == content
    assert Path(_media) in stored.parents
    assert name.rsplit(".", 1)[0] not in stored.name
    assert len(stored.stem) == 32
    assert AuditEvent.objects.filter(action="partners.document.uploaded").count() == 1


def refused(mou, by, name, content) -> str:
    with pytest.raises(services.PartnerRefused) as caught:
        upload(mou, by, name, content)
    return caught.value.message


def assert_nothing_stored(media):
    assert not Document.objects.exists()
    assert stored_files(Path(media)) == []
    assert not AuditEvent.objects.filter(action="partners.document.uploaded").exists()


def test_html_renamed_pdf_is_refused(mou, ksg_staff, _media):
    message = refused(mou, ksg_staff, "report.pdf", HTML)
    assert "report.pdf is a web page" in message
    assert "whatever its name says" in message
    assert_nothing_stored(_media)


def test_svg_with_a_script_is_refused(mou, ksg_staff, _media):
    message = refused(mou, ksg_staff, "logo.svg", SVG)
    assert "logo.svg is a web page, SVG or XML file" in message
    assert_nothing_stored(_media)


def test_a_50_mb_file_is_refused(mou, ksg_staff, _media, settings):
    settings.PARTNER_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"\0" * (50 * 1024 * 1024))
    with pytest.raises(services.PartnerRefused) as caught:
        services.document_upload(
            upload=big, kind=Document.Kind.EVIDENCE, by=ksg_staff, agreement=mou
        )
    assert caught.value.code == "too_large"
    assert "big.pdf is 50.0\xa0MB; files may be at most 10.0\xa0MB" in caught.value.message
    assert_nothing_stored(_media)


@pytest.mark.parametrize("name", ["../../etc/cron.d/evil.pdf", "..\\..\\evil.pdf", ".htaccess"])
def test_a_name_with_a_path_is_refused(mou, ksg_staff, _media, name):
    # Django's own parsers strip paths from an upload's name; a file handed to the service by
    # any other way keeps it, and is refused.
    with pytest.raises(services.PartnerRefused) as caught:
        services.document_upload(
            upload=File(io.BytesIO(PDF), name=name),
            kind=Document.Kind.EVIDENCE,
            by=ksg_staff,
            agreement=mou,
        )
    assert caught.value.code == "bad_name"
    assert "path" in caught.value.message or "folder" in caught.value.message
    assert_nothing_stored(_media)


def test_a_zip_bomb_as_docx_is_refused(mou, ksg_staff, _media):
    # 200 MB of zeros compress to about 200 KB.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", f'<Types><Override ContentType="{WORD_MAIN}"/>')
        archive.writestr("word/document.xml", "<document/>")
        with archive.open("word/media/zeros.bin", "w") as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(200):
                part.write(chunk)
    bomb = buffer.getvalue()
    assert len(bomb) < 1024 * 1024

    message = refused(mou, ksg_staff, "contract.docx", bomb)

    assert "would unpack to 200.0\xa0MB" in message
    assert "zip bomb" in message
    assert_nothing_stored(_media)


def test_a_zip_of_many_parts_is_refused(mou, ksg_staff, _media, settings):
    settings.PARTNER_UPLOAD_MAX_ZIP_ENTRIES = 50
    extra = {f"word/media/{n}.xml": b"<x/>" for n in range(60)}
    message = refused(mou, ksg_staff, "many.docx", office(WORD_MAIN, "word/document.xml", extra))
    assert "holds 62 parts" in message
    assert_nothing_stored(_media)


def test_a_plain_zip_renamed_docx_is_refused(mou, ksg_staff, _media):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    message = refused(mou, ksg_staff, "contract.docx", buffer.getvalue())
    assert "is not a PDF" in message
    assert_nothing_stored(_media)


def test_a_macro_workbook_is_refused(mou, ksg_staff, _media):
    content = office(EXCEL_MAIN, "xl/workbook.xml", {"xl/vbaProject.bin": b"\0" * 10})
    message = refused(mou, ksg_staff, "figures.xlsx", content)
    assert "macros" in message
    assert_nothing_stored(_media)


def test_a_damaged_office_file_is_refused(mou, ksg_staff, _media):
    message = refused(mou, ksg_staff, "broken.docx", b"PK\x03\x04" + b"\x00" * 40)
    assert "damaged" in message
    assert_nothing_stored(_media)


def test_a_png_named_pdf_is_refused(mou, ksg_staff, _media):
    message = refused(mou, ksg_staff, "scan.pdf", PNG)
    assert message == (
        "scan.pdf is a PNG file but its name does not end in .png: rename it and send it again."
    )
    assert_nothing_stored(_media)


def test_a_word_file_named_xlsx_is_refused(mou, ksg_staff, _media):
    message = refused(mou, ksg_staff, "figures.xlsx", DOCX)
    assert "is a Word (DOCX) file" in message
    assert_nothing_stored(_media)


def test_an_empty_file_is_refused(mou, ksg_staff, _media):
    assert "is empty" in refused(mou, ksg_staff, "empty.pdf", b"")
    assert_nothing_stored(_media)


def test_a_logo_must_be_an_image(huawei_partner, ksg_staff, _media):
    with pytest.raises(services.PartnerRefused) as caught:
        services.document_upload(
            upload=SimpleUploadedFile("logo.pdf", PDF),
            kind=Document.Kind.LOGO,
            by=ksg_staff,
            partner=huawei_partner,
        )
    assert "only PNG, JPEG files" in caught.value.message
    document = services.document_upload(
        upload=SimpleUploadedFile("logo.png", PNG),
        kind=Document.Kind.LOGO,
        by=ksg_staff,
        partner=huawei_partner,
    )
    assert document.content_type == "image/png"


def test_only_staff_add_documents_to_an_agreement(mou, huawei_reviewer, _media):
    assert refused(mou, huawei_reviewer, "a.pdf", PDF) == "Only KSG staff may do this."
    assert_nothing_stored(_media)


def test_either_side_adds_evidence_to_a_deliverable(ksg_deliverable, huawei_reviewer, _media):
    document = services.document_upload(
        upload=SimpleUploadedFile("attendance.pdf", PDF),
        kind=Document.Kind.EVIDENCE,
        by=huawei_reviewer,
        deliverable=ksg_deliverable,
    )
    assert document.deliverable == ksg_deliverable
    assert document.agreement == ksg_deliverable.obligation.agreement


def test_another_partners_reviewer_adds_no_evidence(ksg_deliverable, icdl_reviewer, _media):
    with pytest.raises(services.PartnerRefused):
        services.document_upload(
            upload=SimpleUploadedFile("attendance.pdf", PDF),
            kind=Document.Kind.EVIDENCE,
            by=icdl_reviewer,
            deliverable=ksg_deliverable,
        )
    assert_nothing_stored(_media)

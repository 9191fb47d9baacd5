"""The certificate's PDF, read back: its text, its PDF/A-3b identification and metadata, its
page, its fonts, and its QR code decoded from the printed page."""

import io
import re
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image

from certificates import services
from certificates.templatetags.certificates import cohort_dates, long_date
from certificates.verification import verification_url
from tests.certificates.conftest import pdf_reader, pdf_text

pytestmark = pytest.mark.django_db


def test_the_text_names_the_officer_course_serial_and_dates(certificate, ended):
    text = pdf_text(certificate)

    for printed in (
        "Wanjiku Kamau",
        "Introduction to Digital Government in Kenya",
        "DPD-101",
        certificate.serial,
        "Certificate of Completion",
        "Digital Planning and Design",
        "Digital government foundations",
        "Service design basics",
        "Foundation",
        "18 CPD hours",
        "Cohort DPD-101-LK",
        "Lower Kabete campus",
        long_date(certificate.issued_at),
        cohort_dates(certificate),
        "Prof. Amina Wekesa",
        "Director General, Kenya School of Government",
        verification_url(certificate),
    ):
        assert printed in text, printed


def test_each_label_is_printed_in_kiswahili_too(certificate):
    text = pdf_text(certificate)
    assert "Cheti cha Kuhitimu" in text
    assert "Imetolewa tarehe" in text


def test_names_with_diacritics_are_printed_and_embedded(completed, signatories):
    officer = completed.officer
    officer.full_name = "Njeri Wambũi Ng'ang'a-Müller"
    officer.save()

    certificate = services.certificate_issue(enrollment=completed)

    assert "Njeri Wambũi Ng'ang'a-Müller" in pdf_text(certificate)
    fonts = _fonts(pdf_reader(certificate))
    names = [name.replace("-", "") for name in fonts]
    assert any("EBGaramond" in name for name in names), fonts
    assert any("NotoSans" in name for name in names), fonts
    assert all(embedded for embedded in fonts.values()), fonts


def test_the_file_is_pdf_a_3b_with_title_and_author(certificate):
    reader = pdf_reader(certificate)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()

    # The PDF/A identification schema, as an attribute or an element.
    assert re.search(r"pdfaid:part(>|=\")3", xmp), xmp
    assert re.search(r"pdfaid:conformance(>|=\")B", xmp), xmp
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert reader.metadata.title == (f"Certificate {certificate.serial}: Wanjiku Kamau, DPD-101")
    assert reader.metadata.author == "Kenya School of Government"


def test_one_a4_landscape_page(certificate):
    reader = pdf_reader(certificate)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # A4 is 297 mm x 210 mm: 841.89 x 595.28 points.
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_the_qr_code_on_the_printed_page_opens_the_verification_url(certificate, tmp_path):
    page = _page_image(certificate, tmp_path)

    codes = zxingcpp.read_barcodes(page)

    assert [code.text for code in codes] == [verification_url(certificate)]
    assert codes[0].format == zxingcpp.BarcodeFormat.QRCode


def test_the_verification_url_is_the_portal_address_and_the_code(certificate, settings):
    settings.PORTAL_URL = "https://academy.ksg.ac.ke"
    assert verification_url(certificate) == (
        f"https://academy.ksg.ac.ke/verify/{certificate.verification_code}/"
    )


def test_the_cohort_dates_read_naturally(certificate):
    import datetime

    certificate.cohort_starts_on = datetime.date(2026, 2, 27)
    certificate.cohort_ends_on = datetime.date(2026, 3, 3)
    assert cohort_dates(certificate) == "27 February \N{EN DASH} 3 March 2026"
    certificate.cohort_starts_on = datetime.date(2026, 3, 2)
    assert cohort_dates(certificate) == "2 \N{EN DASH} 3 March 2026"
    certificate.cohort_starts_on = datetime.date(2025, 12, 29)
    assert cohort_dates(certificate) == "29 December 2025 \N{EN DASH} 3 March 2026"
    certificate.cohort_starts_on = datetime.date(2026, 3, 3)
    assert cohort_dates(certificate) == "3 March 2026"


def _fonts(reader) -> dict[str, bool]:
    """Base font name: whether its program is embedded, for every font page 1 uses."""
    fonts = {}
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        described = descendants[0].get_object() if descendants else font
        descriptor = described["/FontDescriptor"].get_object()
        embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        fonts[str(font["/BaseFont"])] = embedded
    return fonts


def _page_image(certificate, folder) -> Image.Image:
    """Page 1 as printed, rasterised by poppler's pdftoppm at 200 dpi."""
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: install poppler-utils (make system-deps).")
    pdf = folder / "certificate.pdf"
    with certificate.pdf.open("rb") as file:
        pdf.write_bytes(file.read())
    command = ["pdftoppm", "-png", "-r", "200", "-singlefile", str(pdf), str(folder / "p")]
    # Our own file, no shell; poppler-utils' pdftoppm from the PATH.
    subprocess.run(command, check=True)  # noqa: S603
    return Image.open(io.BytesIO((folder / "p.png").read_bytes()))


def test_renders_share_one_font_configuration_per_thread(completed, signatories):
    """WeasyPrint's default, a new font configuration per document, leaks memory in a worker
    that prints certificate after certificate (README, Performance: Certificates)."""
    import threading

    from certificates import rendering

    first = rendering.font_config()
    assert rendering.font_config() is first
    other = []
    thread = threading.Thread(target=lambda: other.append(rendering.font_config()))
    thread.start()
    thread.join()
    assert other[0] is not first

    certificate = services.certificate_issue(enrollment=completed)
    assert "Wanjiku Kamau" in pdf_text(certificate)

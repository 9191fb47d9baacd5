"""Fixtures of the certificate tests: a course with competencies, a cohort that ended two weeks
ago at Lower Kabete, Wanjiku's completed enrolment in it, and two signatories with signature
images."""

import io

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from academy.demo.signatures import signature_png
from certificates import services
from certificates.models import Signatory
from enrollments.models import Enrollment
from tests.enrollments.conftest import celery_worker_thread, make_officer, week_cohort
from tests.factories import (
    CampusFactory,
    CompetencyFactory,
    CourseFactory,
    EnrollmentFactory,
    SkillAreaFactory,
)

State = Enrollment.State

# The real worker of the enrolment tests (a thread consuming from Redis), for the bulk runs.
__all__ = ["celery_worker_thread"]


@pytest.fixture
def course(ksg):
    area = SkillAreaFactory(slug="planning", name="Digital Planning and Design")
    competencies = [
        CompetencyFactory(skill_area=area, name="Digital government foundations"),
        CompetencyFactory(skill_area=area, name="Service design basics"),
    ]
    return CourseFactory(
        code="DPD-101",
        title="Introduction to Digital Government in Kenya",
        skill_area=area,
        competencies=competencies,
        provider=ksg,
        cpd_hours=18,
        audience_min_job_group="G",
        audience_max_job_group="T",
    )


@pytest.fixture
def ended(course, nairobi):
    """Monday to Friday, two weeks ago, at Lower Kabete; still open for results."""
    campus = CampusFactory(slug="lower-kabete", name="Lower Kabete", county=nairobi)
    return week_cohort(course, code="DPD-101-LK", campus=campus, status="running")


@pytest.fixture
def completed(ended, wanjiku):
    """Wanjiku's completed enrolment (decided directly: the tests here start after that)."""
    return EnrollmentFactory(officer=wanjiku, cohort=ended, state=State.COMPLETED)


def completed_officer(cohort_, n: int, **kwargs) -> Enrollment:
    return EnrollmentFactory(
        cohort=cohort_, officer=make_officer(n, **kwargs), state=State.COMPLETED
    )


@pytest.fixture
def signatories(db):
    people = [
        ("Prof. Amina Wekesa", "Director General, Kenya School of Government"),
        ("Dr. Ann Wambũi Ng'ang'a", "Dean, KSG Digital Academy"),
    ]
    made = []
    for order, (name, title) in enumerate(people):
        signatory = Signatory(name=name, title=title, order=order)
        signatory.signature.save("signature.png", ContentFile(signature_png(name)), save=False)
        signatory.save()
        made.append(signatory)
    return made


@pytest.fixture
def certificate(completed, signatories):
    return services.certificate_issue(enrollment=completed)


def pdf_reader(certificate) -> PdfReader:
    with certificate.pdf.open("rb") as file:
        return PdfReader(io.BytesIO(file.read()))


def pdf_text(certificate) -> str:
    """The text of page 1, with runs of white space made single spaces."""
    return " ".join(pdf_reader(certificate).pages[0].extract_text().split())

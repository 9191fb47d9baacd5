"""Demo partners and agreements: Huawei Technologies (Kenya) with the KSG-Huawei MoU in
negotiation and the Ministry of ICT-Huawei letter of intent of March 2022.

The facts come from public reports (``academy/data/kenya_public_service.json``, ``huawei_kenya``):
the letter of intent of 25 March 2022 set out to train 19,700 people over three years (200
advanced experts, 5,000 ICT professionals, 2,500 civil servants, 12,000 students and youth); in
January 2026 KSG and Huawei explored an MoU on AI, cybersecurity, cloud and digital governance
for senior officials, not known to be signed. Everything else (references, signatories, the
deliverables and their review) is made up, and every record is marked ``is_demo``.

Keyed by agreement reference: a second run creates nothing.
"""

import datetime

from django.utils import timezone

from academy.demo.people import HUAWEI, KSG, MINISTRY_ICT
from academy.models import Organisation, User
from courses.models import Cohort, Course, SkillArea
from partners.models import (
    Agreement,
    AgreementParty,
    Deliverable,
    FocalPoint,
    Kpi,
    Obligation,
    Partner,
    Review,
)

MOU_REFERENCE = "KSG/HUAWEI/MOU/2026-DEMO"
LOI_REFERENCE = "MOICDE/HUAWEI/LOI/2022-DEMO"
STAFF_EMAIL = "staff@ksg.demo.ac.ke"
DATA_SKILL_AREA = "data-use-and-governance"


def seed_partners(*, today: datetime.date) -> dict[str, int]:
    created = {"agreements": 0, "deliverables": 0, "kpis": 0}
    references = set(
        Agreement.objects.filter(reference__in=[MOU_REFERENCE, LOI_REFERENCE]).values_list(
            "reference", flat=True
        )
    )
    if references == {MOU_REFERENCE, LOI_REFERENCE}:
        return created
    organisations = {
        o.slug: o for o in Organisation.objects.filter(slug__in=[HUAWEI, KSG, MINISTRY_ICT])
    }
    huawei, _ = Partner.objects.get_or_create(
        organisation=organisations[HUAWEI],
        defaults={
            "legal_name": "Huawei Technologies (Kenya) Co. Ltd",
            "kind": Partner.Kind.PRIVATE_COMPANY,
            "country": "Kenya",
            "website": "https://www.huawei.com/ke/",
            "is_demo": True,
        },
    )
    FocalPoint.objects.get_or_create(
        partner=huawei,
        email="partnerships@huawei.demo.co.ke",
        defaults={"name": "Demo focal point", "title": "Public sector partnerships"},
    )
    if MOU_REFERENCE not in references:
        created = _add(created, _mou(huawei, organisations, today))
    if LOI_REFERENCE not in references:
        created = _add(created, _letter_of_intent(huawei, organisations))
    return created


def _add(total: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    return {key: total[key] + more.get(key, 0) for key in total}


def _mou(huawei: Partner, organisations, today: datetime.date) -> dict[str, int]:
    mou = Agreement.objects.create(
        partner=huawei,
        reference=MOU_REFERENCE,
        kind=Agreement.Kind.MOU,
        title="Digital skills for the public sector: KSG and Huawei Kenya",
        purpose=(
            "Build the digital capacity of Kenya's public service, and of its senior officials "
            "in particular, through courses run by KSG with Huawei's trainers and labs."
        ),
        areas_of_cooperation=(
            "Artificial intelligence\nCybersecurity\nCloud computing\nDigital governance\n"
            "Capacity of senior officials"
        ),
        term_months=36,
        notice_period_days=90,
        is_binding=False,
        data_protection_clause=(
            "Officers' personal data stay with KSG; Huawei receives aggregate training results "
            "only, as the Data Protection Act 2019 requires."
        ),
        reporting_frequency=Agreement.Frequency.QUARTERLY,
        status=Agreement.Status.NEGOTIATION,
        is_demo=True,
    )
    ksg = AgreementParty.objects.create(agreement=mou, organisation=organisations[KSG])
    partner = AgreementParty.objects.create(agreement=mou, organisation=organisations[HUAWEI])
    train = Obligation.objects.create(
        agreement=mou,
        party=ksg,
        description=(
            "Run cohorts in data use and governance for senior officers (Job Group P and "
            "above), and report their results each quarter."
        ),
    )
    equip = Obligation.objects.create(
        agreement=mou,
        party=partner,
        description="Provide certified trainers and cloud lab accounts for the cohorts.",
    )
    cohorts = list(
        Cohort.objects.filter(
            course__skill_area__slug=DATA_SKILL_AREA, starts_on__gte=today
        ).order_by("starts_on")[:2]
    )
    courses = {c.course_id for c in cohorts}
    cohort_run = Deliverable.objects.create(
        obligation=train,
        title="First cohort of senior officers in data governance",
        description="A cohort of the data governance courses for officers of Job Group P and up.",
        responsible=ksg,
        due_on=today + datetime.timedelta(days=60),
        kind=Deliverable.Kind.TRAINING_COHORT,
    )
    cohort_run.courses.set(courses)
    cohort_run.cohorts.set(cohorts)
    report = Deliverable.objects.create(
        obligation=train,
        title="Training needs assessment of senior officers",
        description="Which digital skills senior officers need first, by ministry.",
        responsible=ksg,
        due_on=today + datetime.timedelta(days=7),
        kind=Deliverable.Kind.REPORT,
        review_state=Deliverable.ReviewState.SUBMITTED,
    )
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    if staff is not None:
        Review.objects.create(
            deliverable=report,
            author=staff,
            decision=Review.Decision.SUBMITTED,
            comment="The assessment is attached for Huawei's review.",
            created_at=timezone.now() - datetime.timedelta(days=2),
        )
    Deliverable.objects.create(
        obligation=equip,
        title="Two certified cloud trainers",
        responsible=partner,
        due_on=today + datetime.timedelta(days=45),
        kind=Deliverable.Kind.TRAINERS,
    )
    kpi = Kpi.objects.create(
        agreement=mou,
        name="Senior officers trained in data use and governance",
        unit="officers",
        kind=Kpi.Kind.TRAINING,
        target=300,
        period="The MoU's term",
        skill_area=SkillArea.objects.filter(slug=DATA_SKILL_AREA).first(),
        min_job_group="P",
    )
    kpi.courses.set(Course.objects.filter(pk__in=courses))
    Kpi.objects.create(
        agreement=mou,
        name="Cloud lab accounts provided",
        unit="accounts",
        kind=Kpi.Kind.MANUAL,
        target=100,
        period="The MoU's term",
    )
    return {"agreements": 1, "deliverables": 3, "kpis": 2}


# The letter of intent's targets over its three years (public reports).
LOI_TARGETS = (
    ("People trained in digital skills", 19_700),
    ("Civil servants trained", 2_500),
    ("Advanced ICT experts trained", 200),
    ("ICT professionals trained", 5_000),
    ("Students and youth trained", 12_000),
)


def _letter_of_intent(huawei: Partner, organisations) -> dict[str, int]:
    signed = datetime.date(2022, 3, 25)
    loi = Agreement.objects.create(
        partner=huawei,
        reference=LOI_REFERENCE,
        kind=Agreement.Kind.LETTER_OF_INTENT,
        title="Letter of intent on digital talent: Ministry of ICT and Huawei Kenya",
        purpose=(
            "Train 19,700 people in digital skills over three years: 200 advanced experts, "
            "5,000 ICT professionals, 2,500 civil servants and 12,000 students and youth."
        ),
        areas_of_cooperation="Digital skills\nICT capacity in government",
        effective_on=signed,
        term_months=36,
        is_binding=False,
        reporting_frequency=Agreement.Frequency.YEARLY,
        # Its three years ended on 25 March 2025.
        status=Agreement.Status.EXPIRED,
        is_demo=True,
    )
    for slug, title in ((MINISTRY_ICT, "Cabinet Secretary"), (HUAWEI, "Chief Executive Officer")):
        AgreementParty.objects.create(
            agreement=loi,
            organisation=organisations[slug],
            signatory_name=f"{title} (demo record)",
            signatory_title=title,
            signed_on=signed,
        )
    Kpi.objects.bulk_create(
        Kpi(
            agreement=loi,
            name=name,
            unit="people",
            kind=Kpi.Kind.MANUAL,
            target=target,
            period="March 2022 to March 2025",
        )
        for name, target in LOI_TARGETS
    )
    return {"agreements": 1, "kpis": len(LOI_TARGETS)}

"""Fixtures of the partner tests: Huawei with a signed, active MoU (one obligation of each side,
a deliverable of each side, a training KPI), and ICDL Africa with its own reviewer, the outsider
who must see nothing of Huawei's."""

import datetime

import pytest
from django.utils import timezone, translation

from academy.models import Membership, Organisation
from partners.models import Agreement, AgreementParty, Deliverable, Kpi, Obligation, Partner
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _english():
    """Refusals are asserted in English: a Kiswahili page requested by an earlier test in the
    same thread leaves its language active."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def huawei_partner(huawei):
    return Partner.objects.create(
        organisation=huawei,
        legal_name="Huawei Technologies (Kenya) Co. Ltd",
        kind=Partner.Kind.PRIVATE_COMPANY,
    )


@pytest.fixture
def icdl(db):
    return OrganisationFactory(
        name="ICDL Africa", short_name="ICDL", slug="icdl", kind=Organisation.Kind.PARTNER
    )


@pytest.fixture
def icdl_partner(icdl):
    return Partner.objects.create(
        organisation=icdl, legal_name="ICDL Africa", kind=Partner.Kind.NGO
    )


@pytest.fixture
def icdl_reviewer(icdl_partner):
    user = UserFactory(email="reviewer@icdl.demo.org", full_name="Amani Otieno")
    MembershipFactory(
        user=user, role=Membership.Role.PARTNER_REVIEWER, organisation=icdl_partner.organisation
    )
    return user


def make_agreement(partner, ksg, *, status=Agreement.Status.DRAFT, signed=False, **fields):
    defaults = {
        "reference": f"KSG/MOU/{partner.pk}/{Agreement.objects.count() + 1}",
        "kind": Agreement.Kind.MOU,
        "title": f"Digital skills for the public service with {partner}",
        "effective_on": days(-100),
        "ends_on": days(600),
        "status": status,
    }
    agreement = Agreement.objects.create(partner=partner, **(defaults | fields))
    for organisation, name in ((ksg, "Prof. Nura Mohamed"), (partner.organisation, "Will Meng")):
        AgreementParty.objects.create(
            agreement=agreement,
            organisation=organisation,
            signatory_name=name if signed else "",
            signatory_title="Director General" if signed else "",
            signed_on=days(-110) if signed else None,
        )
    return agreement


@pytest.fixture
def mou(huawei_partner, ksg):
    """Huawei's active MoU with KSG, in force from 100 days ago for another 600 days."""
    return make_agreement(huawei_partner, ksg, status=Agreement.Status.ACTIVE, signed=True)


def party_of(agreement, organisation):
    return agreement.parties.get(organisation=organisation)


@pytest.fixture
def ksg_deliverable(mou, ksg):
    """KSG trains officers: submitted by staff, reviewed by Huawei."""
    party = party_of(mou, ksg)
    obligation = Obligation.objects.create(
        agreement=mou, party=party, description="Train senior officers in data governance."
    )
    return Deliverable.objects.create(
        obligation=obligation,
        title="First cohort of senior officers trained",
        responsible=party,
        due_on=days(20),
        kind=Deliverable.Kind.TRAINING_COHORT,
    )


@pytest.fixture
def huawei_deliverable(mou, huawei):
    """Huawei provides trainers: submitted by Huawei, reviewed by KSG staff."""
    party = party_of(mou, huawei)
    obligation = Obligation.objects.create(
        agreement=mou, party=party, description="Provide certified cloud trainers."
    )
    return Deliverable.objects.create(
        obligation=obligation,
        title="Two cloud trainers",
        responsible=party,
        due_on=days(30),
        kind=Deliverable.Kind.TRAINERS,
    )


@pytest.fixture
def manual_kpi(mou):
    return Kpi.objects.create(
        agreement=mou, name="Laptops delivered", unit="laptops", kind=Kpi.Kind.MANUAL, target=50
    )

"""The demo's partners: Huawei with the KSG-Huawei MoU in negotiation and the Ministry of
ICT-Huawei letter of intent of March 2022, marked as demo data, seeded once."""

import datetime

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from academy.demo import seed_demo
from academy.demo.partners import LOI_REFERENCE, MOU_REFERENCE
from academy.models import User
from partners.models import Agreement, Deliverable, Kpi, Partner


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_MODE=True, PASSWORD_HASHERS=fast_hash),
        transaction.atomic(),
    ):
        today = timezone.localdate()
        first = seed_demo(today=today)
        second = seed_demo(today=today)
        yield first, second
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return seeded


def test_the_partners_are_seeded_once(demo):
    first, second = demo
    assert first.created["agreements"] == 2
    assert second.created["agreements"] == 0
    assert Agreement.objects.count() == 2


def test_the_ksg_huawei_mou_is_in_negotiation(demo):
    mou = Agreement.objects.get(reference=MOU_REFERENCE)
    assert mou.is_demo and mou.partner.is_demo
    assert mou.status == Agreement.Status.NEGOTIATION
    assert mou.areas() == [
        "Artificial intelligence",
        "Cybersecurity",
        "Cloud computing",
        "Digital governance",
        "Capacity of senior officials",
    ]
    kpi = mou.kpis.get(kind=Kpi.Kind.TRAINING)
    assert kpi.name == "Senior officers trained in data use and governance"
    assert kpi.min_job_group == "P"
    trained = Deliverable.objects.get(obligation__agreement=mou, kind="training_cohort")
    assert trained.cohorts.exists()
    assert Deliverable.objects.filter(
        obligation__agreement=mou, review_state=Deliverable.ReviewState.SUBMITTED
    ).exists()


def test_the_letter_of_intent_of_march_2022(demo):
    loi = Agreement.objects.get(reference=LOI_REFERENCE)
    assert loi.kind == Agreement.Kind.LETTER_OF_INTENT
    assert loi.effective_on == datetime.date(2022, 3, 25)
    assert loi.end_date == datetime.date(2025, 3, 25)
    assert loi.status == Agreement.Status.EXPIRED
    targets = dict(loi.kpis.values_list("name", "target"))
    assert targets["People trained in digital skills"] == 19_700
    assert targets["Civil servants trained"] == 2_500
    assert {p.organisation.slug for p in loi.parties.all()} == {
        "ministry-of-information-communications-and-the-digital-economy",
        "huawei-technologies-kenya-co-ltd",
    }
    assert all(p.signed for p in loi.parties.all())


def test_the_demo_reviewer_sees_huaweis_agreements(demo, client):
    reviewer = User.objects.get(email="reviewer@huawei.demo.co.ke")
    client.force_login(reviewer)
    html = client.get(reverse("partners:agreements")).content.decode()
    assert MOU_REFERENCE in html and LOI_REFERENCE in html
    assert Partner.objects.get().legal_name == "Huawei Technologies (Kenya) Co. Ltd"

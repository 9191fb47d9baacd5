"""Report runs and subscriptions in the administration site: listed for staff looking into a
question, never edited, deleted or downloaded there."""

import pytest
from django.urls import reverse

from reports.models import Format, Kind, ReportSubscription
from reports.services import report_request
from tests.factories import UserFactory
from tests.reports.support_runs import q1

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@ksg.ac.ke", is_staff=True, is_superuser=True)


@pytest.fixture
def records(world, hr_ict):
    run, _ = report_request(by=hr_ict, filters=q1(world), kind=Kind.COMPLETIONS, format=Format.CSV)
    subscription = ReportSubscription.objects.create(
        owner=hr_ict,
        organisation=world.ministry,
        kind=Kind.SUMMARY,
        format=Format.XLSX,
        frequency=ReportSubscription.Frequency.MONTHLY,
    )
    return {"reportrun": run, "reportsubscription": subscription}


@pytest.mark.parametrize("model", ["reportrun", "reportsubscription"])
def test_staff_see_them_and_change_nothing(client, superuser, records, model):
    client.force_login(superuser)
    listing = client.get(reverse(f"admin:reports_{model}_changelist"), {"q": "hr@ict"})
    assert listing.status_code == 200
    assert "Akinyi Njeri" in listing.content.decode()  # found by the e-mail address
    record = records[model]
    page = client.get(reverse(f"admin:reports_{model}_change", args=[record.pk]))
    assert page.status_code == 200  # shown read-only
    assert 'type="submit"' not in page.content.decode().split('id="content-main"')[1]
    assert client.get(reverse(f"admin:reports_{model}_add")).status_code == 403
    delete = reverse(f"admin:reports_{model}_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert type(record).objects.filter(pk=record.pk).exists()

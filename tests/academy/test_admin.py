"""The administration site: pages load, role changes are audited, the audit log is read-only."""

import pytest
from django.urls import reverse

from academy.models import AuditEvent, Membership, OfficerProfile
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def audit_event(wanjiku):
    from academy.audit import audit_record

    return audit_record(actor=wanjiku, action="academy.test.happened", target=wanjiku)


@pytest.mark.parametrize(
    "model", ["user", "organisation", "county", "officerprofile", "membership", "auditevent"]
)
def test_changelists_load_and_search(admin_client, model, wanjiku, hr_ict, audit_event):
    url = reverse(f"admin:academy_{model}_changelist")

    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "wanjiku"}).status_code == 200


@pytest.mark.parametrize(
    "model", ["user", "organisation", "county", "officerprofile", "membership"]
)
def test_add_pages_load(admin_client, model):
    assert admin_client.get(reverse(f"admin:academy_{model}_add")).status_code == 200


def test_change_pages_load(admin_client, wanjiku, hr_ict, nairobi, audit_event):
    profile = wanjiku.officer_profile
    membership = hr_ict.memberships.get()
    for name, pk in [
        ("user", wanjiku.pk),
        ("organisation", profile.organisation_id),
        ("county", nairobi.pk),
        ("officerprofile", profile.pk),
        ("membership", membership.pk),
        ("auditevent", audit_event.pk),
    ]:
        response = admin_client.get(reverse(f"admin:academy_{name}_change", args=[pk]))
        assert response.status_code == 200, name


def test_officer_profile_list_shows_the_essentials(
    admin_client, wanjiku, otieno, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("admin:academy_officerprofile_changelist"))

    html = response.content.decode()
    for fact in ("2019001234", "Wanjiku Kamau", "State Department for ICT", "Nairobi City"):
        assert fact in html


def test_audit_events_cannot_be_added_changed_or_deleted(admin_client, audit_event):
    change_url = reverse("admin:academy_auditevent_change", args=[audit_event.pk])

    assert admin_client.get(reverse("admin:academy_auditevent_add")).status_code == 403
    assert admin_client.post(change_url, {"action": "tampered"}).status_code == 403
    delete_url = reverse("admin:academy_auditevent_delete", args=[audit_event.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    audit_event.refresh_from_db()
    assert audit_event.action == "academy.test.happened"


def test_audit_events_filter_by_action(admin_client, audit_event):
    url = reverse("admin:academy_auditevent_changelist")

    response = admin_client.get(url, {"action": "academy.test.happened"})

    assert response.status_code == 200
    assert "academy.test.happened" in response.content.decode()


def test_granting_a_role_in_the_admin_is_audited(admin_client, superuser, otieno, treasury):
    response = admin_client.post(
        reverse("admin:academy_membership_add"),
        {"user": otieno.pk, "role": Role.TRAINING_OFFICER, "organisation": treasury.pk},
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=otieno)
    assert membership.granted_by == superuser
    event = AuditEvent.objects.get(action="academy.membership.granted")
    assert event.actor == superuser
    assert event.target == otieno
    assert event.data["role"] == Role.TRAINING_OFFICER
    assert event.data["organisation"] == treasury.pk


def test_scoped_role_without_organisation_is_refused(admin_client, otieno):
    response = admin_client.post(
        reverse("admin:academy_membership_add"),
        {"user": otieno.pk, "role": Role.TRAINING_OFFICER, "organisation": ""},
    )

    assert response.status_code == 200
    assert not Membership.objects.filter(user=otieno).exists()
    assert not AuditEvent.objects.exists()


def test_revoking_a_role_in_the_admin_is_audited(admin_client, superuser, hr_ict, ministry_ict):
    membership = hr_ict.memberships.get()

    response = admin_client.post(
        reverse("admin:academy_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="academy.membership.revoked")
    assert event.actor == superuser
    assert event.target == hr_ict
    assert event.data == {
        "membership": membership.pk,
        "role": Role.TRAINING_OFFICER,
        "organisation": ministry_ict.pk,
    }


def test_bulk_revoking_roles_is_audited_one_by_one(admin_client, hr_ict, hr_treasury):
    ids = list(Membership.objects.values_list("pk", flat=True))

    admin_client.post(
        reverse("admin:academy_membership_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert not Membership.objects.exists()
    assert AuditEvent.objects.filter(action="academy.membership.revoked").count() == 2


def test_roles_granted_and_revoked_on_the_user_page_are_audited(
    admin_client, superuser, otieno, treasury
):
    existing = MembershipFactory(user=otieno, role=Role.FACILITATOR)
    url = reverse("admin:academy_user_change", args=[otieno.pk])
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name)}
    data.pop("password", None)
    data.update(
        {
            "is_active": "on",
            "date_joined_0": "",
            # The officer profile inline, unchanged.
            "officer_profile-TOTAL_FORMS": "1",
            "officer_profile-INITIAL_FORMS": "1",
            "officer_profile-MIN_NUM_FORMS": "0",
            "officer_profile-MAX_NUM_FORMS": "1",
            "officer_profile-0-id": otieno.officer_profile.pk,
            "officer_profile-0-user": otieno.pk,
            "officer_profile-0-personal_number": "2017005678",
            "officer_profile-0-organisation": treasury.pk,
            "officer_profile-0-job_group": "M",
            "officer_profile-0-designation": "Senior Economist",
            "officer_profile-0-duty_station": otieno.officer_profile.duty_station_id,
            # Roles: revoke the facilitator role, grant training officer for the Treasury.
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": existing.pk,
            "memberships-0-user": otieno.pk,
            "memberships-0-DELETE": "on",
            "memberships-1-user": otieno.pk,
            "memberships-1-role": Role.TRAINING_OFFICER,
            "memberships-1-organisation": treasury.pk,
        }
    )
    data["groups"] = []
    data["user_permissions"] = []

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Membership.objects.filter(user=otieno).values_list("role", flat=True)) == [
        Role.TRAINING_OFFICER
    ]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert actions == {"academy.membership.granted", "academy.membership.revoked"}


def test_profile_edit_in_the_admin_goes_through_the_service(admin_client, superuser, wanjiku):
    profile = wanjiku.officer_profile
    url = reverse("admin:academy_officerprofile_change", args=[profile.pk])

    response = admin_client.post(
        url,
        {
            "personal_number": "2019001235",  # KSG staff correct a typo, on HR's word
            "organisation": profile.organisation_id,
            "job_group": "K",
            "designation": "ICT Officer I",
            "duty_station": profile.duty_station_id,
            "national_id": "",
            "gender": "",
        },
    )

    assert response.status_code == 302
    assert OfficerProfile.objects.get(pk=profile.pk).personal_number == "2019001235"
    event = AuditEvent.objects.get(action="academy.officer_profile.updated")
    assert event.actor == superuser
    assert event.data == {"fields": ["personal_number"]}


def test_user_created_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:academy_user_add"),
        {
            "email": "New.Staff@KSG.ac.ke",
            "full_name": "New Staff",
            "usable_password": "true",
            "password1": "Kabete-Campus-2026!",
            "password2": "Kabete-Campus-2026!",
        },
    )

    assert response.status_code == 302
    from academy.models import User

    assert User.objects.filter(email="new.staff@ksg.ac.ke").exists()


def test_staff_without_rights_cannot_use_the_admin(client, wanjiku):
    client.force_login(wanjiku)

    assert client.get("/admin/").status_code in (302, 403)


def test_api_tokens_are_not_made_in_the_admin(admin_client):
    """Tokens come from `manage.py api_token`, which audits them; the admin offers none."""
    from django.contrib import admin
    from rest_framework.authtoken.models import TokenProxy

    assert not admin.site.is_registered(TokenProxy)
    assert "authtoken" not in admin_client.get(reverse("admin:index")).content.decode()

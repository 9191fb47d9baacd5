"""academy.services: profile, role and token writes are validated, transactional and audited."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from academy import services
from academy.models import AuditEvent, Membership, OfficerProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role


def test_officer_profile_create_normalises_and_audits(state_department_ict, nairobi):
    user = UserFactory()

    profile = services.officer_profile_create(
        user=user,
        personal_number="  ab/2020-1 ",
        organisation=state_department_ict,
        job_group="J",
        designation=" Systems Analyst ",
        duty_station=nairobi,
    )

    assert profile.personal_number == "AB/2020-1"
    assert profile.designation == "Systems Analyst"
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target) == (
        "academy.officer_profile.created",
        user,
        profile,
    )


def test_officer_profile_create_refuses_a_taken_number(wanjiku, state_department_ict, nairobi):
    with pytest.raises(services.PersonalNumberTaken):
        services.officer_profile_create(
            user=UserFactory(),
            personal_number="2019001234",
            organisation=state_department_ict,
            job_group="J",
            designation="Clerk",
            duty_station=nairobi,
        )
    assert OfficerProfile.objects.count() == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("job_group", "Z"), ("gender", "other"), ("personal_number", "a b")]
)
def test_officer_profile_create_validates(state_department_ict, nairobi, field, value):
    values = {
        "personal_number": "2020000001",
        "organisation": state_department_ict,
        "job_group": "J",
        "designation": "Clerk",
        "duty_station": nairobi,
        field: value,
    }
    with pytest.raises(ValidationError):
        services.officer_profile_create(user=UserFactory(), **values)
    assert not OfficerProfile.objects.exists()


def test_officer_profile_update_refuses_fields_it_does_not_know(wanjiku):
    with pytest.raises(TypeError, match="is_staff"):
        services.officer_profile_update(profile=wanjiku.officer_profile, by=wanjiku, is_staff=True)


def test_officer_cannot_change_her_personal_number(wanjiku):
    with pytest.raises(PermissionDenied):
        services.officer_profile_update(
            profile=wanjiku.officer_profile, by=wanjiku, personal_number="999999"
        )
    assert OfficerProfile.objects.get(user=wanjiku).personal_number == "2019001234"


def test_ksg_staff_correct_a_personal_number(wanjiku, ksg_staff):
    profile = services.officer_profile_update(
        profile=wanjiku.officer_profile, by=ksg_staff, personal_number=" 2019001299 "
    )

    assert profile.personal_number == "2019001299"
    event = AuditEvent.objects.get()
    assert event.actor == ksg_staff
    assert event.data == {"fields": ["personal_number"]}


def test_correcting_to_a_taken_number_is_refused(wanjiku, otieno, ksg_staff):
    with pytest.raises(services.PersonalNumberTaken):
        services.officer_profile_update(
            profile=wanjiku.officer_profile, by=ksg_staff, personal_number="2017005678"
        )
    assert OfficerProfile.objects.get(user=wanjiku).personal_number == "2019001234"


def test_membership_grant_and_revoke_are_audited(otieno, treasury, ksg_staff):
    membership = services.membership_grant(
        user=otieno, role=Role.TRAINING_OFFICER, organisation=treasury, by=ksg_staff
    )
    membership_id = membership.pk
    services.membership_revoke(membership=membership, by=ksg_staff)

    assert not Membership.objects.filter(user=otieno).exists()
    events = list(AuditEvent.objects.order_by("pk").values_list("action", "actor", "data"))
    data = {"membership": membership_id, "role": "training_officer", "organisation": treasury.pk}
    assert events == [
        ("academy.membership.granted", ksg_staff.pk, data),
        ("academy.membership.revoked", ksg_staff.pk, data),
    ]


def test_membership_grant_refuses_a_duplicate(hr_ict, ministry_ict, ksg_staff):
    with pytest.raises(ValidationError):
        services.membership_grant(
            user=hr_ict, role=Role.TRAINING_OFFICER, organisation=ministry_ict, by=ksg_staff
        )
    assert hr_ict.memberships.count() == 1
    assert not AuditEvent.objects.exists()


def test_membership_grant_refreshes_the_cached_roles(otieno, treasury, ksg_staff):
    from academy import roles

    assert not roles.is_training_officer(otieno)
    services.membership_grant(
        user=otieno, role=Role.TRAINING_OFFICER, organisation=treasury, by=ksg_staff
    )

    assert roles.is_training_officer(otieno)

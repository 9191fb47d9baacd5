"""academy.roles: who is KSG staff, which organisations a training officer acts for, MFA."""

import pytest
from django.contrib.auth.models import AnonymousUser

from academy import roles
from academy.models import Membership
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role


def test_is_ksg_staff(ksg_staff, wanjiku, hr_ict, superuser):
    assert roles.is_ksg_staff(ksg_staff)
    assert roles.is_ksg_staff(superuser)
    assert not roles.is_ksg_staff(wanjiku)
    assert not roles.is_ksg_staff(hr_ict)
    assert not roles.is_ksg_staff(AnonymousUser())


def test_is_staff_flag_alone_is_not_ksg_staff(db):
    """Admin-site access (is_staff) is not a portal role: the membership is."""
    assert not roles.is_ksg_staff(UserFactory(is_staff=True))


def test_organisation_scope_includes_sub_units_and_nothing_else(
    hr_ict, ministry_ict, state_department_ict, treasury
):
    directorate = OrganisationFactory(parent=state_department_ict, name="ICT Directorate")
    other_ministry_unit = OrganisationFactory(parent=treasury, name="Budget Department")

    scope = set(roles.organisation_scope(hr_ict))

    assert scope == {ministry_ict, state_department_ict, directorate}
    assert treasury not in scope
    assert other_ministry_unit not in scope


def test_organisation_scope_of_a_sub_unit_excludes_its_parent(ministry_ict, state_department_ict):
    hr = UserFactory()
    MembershipFactory(user=hr, role=Role.TRAINING_OFFICER, organisation=state_department_ict)

    assert set(roles.organisation_scope(hr)) == {state_department_ict}


def test_organisation_scope_of_an_officer_is_empty(wanjiku, huawei_reviewer):
    assert not roles.organisation_scope(wanjiku).exists()
    # A partner reviewer's organisation is in scope for that role only.
    assert not roles.organisation_scope(huawei_reviewer).exists()
    assert roles.organisation_scope(huawei_reviewer, Role.PARTNER_REVIEWER).count() == 1


def test_organisation_scope_of_two_organisations(hr_ict, treasury, ministry_ict):
    MembershipFactory(user=hr_ict, role=Role.TRAINING_OFFICER, organisation=treasury)
    hr_ict.__dict__.pop("_academy_memberships", None)

    assert set(roles.organisation_scope(hr_ict)) >= {ministry_ict, treasury}


def test_requires_mfa_for_every_role_holder(
    wanjiku, hr_ict, ksg_staff, trainer, huawei_reviewer, superuser
):
    for user in (hr_ict, ksg_staff, trainer, huawei_reviewer, superuser):
        assert roles.requires_mfa(user), user
    assert not roles.requires_mfa(wanjiku)


def test_is_officer(wanjiku, hr_ict):
    assert roles.is_officer(wanjiku)
    assert not roles.is_officer(hr_ict)
    assert not roles.is_officer(AnonymousUser())


def test_memberships_are_read_once(hr_ict, django_assert_num_queries):
    hr_ict.__dict__.pop("_academy_memberships", None)

    with django_assert_num_queries(1):
        roles.is_training_officer(hr_ict)
        roles.is_ksg_staff(hr_ict)
        roles.role_labels(hr_ict)


def test_role_labels(hr_ict, ksg_staff):
    assert roles.role_labels(hr_ict) == ["Training officer — MoICDE"]
    assert roles.role_labels(ksg_staff) == ["KSG staff"]

"""academy.selectors: the organisation choices of the sign-up form."""

import pytest

from academy import selectors
from academy.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

Kind = Organisation.Kind
INDENT = "\u00a0\u00a0\u00a0"


def test_ministries_carry_their_state_departments(ministry_ict, state_department_ict, treasury):
    choices = selectors.organisation_choices()

    assert choices == [
        (
            ministry_ict.name,
            [
                (ministry_ict.pk, ministry_ict.name),
                (state_department_ict.pk, INDENT + state_department_ict.name),
            ],
        ),
        (treasury.name, [(treasury.pk, treasury.name)]),
    ]


def test_counties_agencies_and_ksg_share_a_group_each(ministry_ict, ksg, huawei):
    nairobi = OrganisationFactory(name="Nairobi City County", kind=Kind.COUNTY)
    mombasa = OrganisationFactory(name="Mombasa County", kind=Kind.COUNTY)
    agency = OrganisationFactory(name="ICT Authority", kind=Kind.AGENCY)

    groups = dict(selectors.organisation_choices())

    assert list(groups) == [
        ministry_ict.name,
        "County governments",
        "Agencies",
        "Kenya School of Government",
    ]
    assert groups["County governments"] == [
        (mombasa.pk, mombasa.name),
        (nairobi.pk, nairobi.name),
    ]
    assert groups["Agencies"] == [(agency.pk, agency.name)]


def test_partners_and_inactive_units_with_their_sub_units_are_left_out(
    ministry_ict, state_department_ict, huawei
):
    OrganisationFactory(parent=huawei, name="Huawei ICT Academy", kind=Kind.PARTNER)
    closed = OrganisationFactory(name="Ministry of Closed Affairs", is_active=False)
    OrganisationFactory(parent=closed, name="State Department for Closed Things")
    OrganisationFactory(parent=ministry_ict, name="Closed Department", is_active=False)

    ids = selectors.organisation_choice_ids(selectors.organisation_choices())

    assert set(ids) == {ministry_ict.pk, state_department_ict.pk}


def test_choices_take_one_query(
    ministry_ict, state_department_ict, treasury, ksg, huawei, django_assert_num_queries
):
    with django_assert_num_queries(1):
        selectors.organisation_choices()


def test_officer_profile_of(wanjiku, hr_ict):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.officer_profile_of(wanjiku).personal_number == "2019001234"
    assert selectors.officer_profile_of(hr_ict) is None
    assert selectors.officer_profile_of(AnonymousUser()) is None

"""Demo accounts and synthetic officers: users, verified e-mail addresses, profiles and roles."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission

from academy.demo.people import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    KSG_STAFF_GROUP,
    Person,
    synthetic_officers,
)
from academy.models import County, Membership, OfficerProfile, Organisation, User

# What KSG staff may do in /admin/: run the catalogue, and look up (not edit) people and
# organisations.
KSG_STAFF_PERMISSIONS = {
    "courses": ("add", "change", "view"),
    "academy": ("view",),
    # Signatories are kept in the admin; certificates are only looked up there.
    "certificates": ("add", "change", "view"),
}


@dataclass
class SeededPeople:
    created: dict[str, int]
    users: dict[str, User]  # by e-mail
    officers: list[Person]  # the synthetic officers, who fill the cohorts


def seed_people() -> SeededPeople:
    """The demo accounts and officers exist, with verified e-mail, profiles, roles and groups.

    Accounts that already exist keep their password and details: a second run changes nothing.
    """
    organisations = {
        slug: (pk, county)
        for slug, pk, county in Organisation.objects.values_list("slug", "pk", "county__name")
    }
    officers = synthetic_officers({slug: c for slug, (_, c) in organisations.items() if c})
    people = [*DEMO_ACCOUNTS, *officers]
    emails = [p.email for p in people]

    users = User.objects.in_bulk(emails, field_name="email")
    missing = [p for p in people if p.email not in users]
    if missing:
        # One hash for everyone: hashing 157 times would take most of a minute.
        password = make_password(DEMO_PASSWORD)
        User.objects.bulk_create(
            [
                User(
                    email=p.email,
                    full_name=p.full_name,
                    password=password,
                    is_staff=p.is_staff,
                    preferred_language=p.preferred_language,
                )
                for p in missing
            ]
        )
        users = User.objects.in_bulk(emails, field_name="email")

    created = {"accounts": len(missing)}
    created["verified e-mail addresses"] = _verify_emails(people, users)
    created["officer profiles"] = _add_profiles(people, users, organisations)
    created["memberships"] = _add_memberships(people, users, organisations)
    created["authenticator apps"] = _add_authenticators(people, users)
    _grant_groups(people, users)
    return SeededPeople(created=created, users=users, officers=officers)


def ksg_staff_group() -> Group:
    """The "KSG staff" group exists with the admin permissions KSG staff need."""
    group, _ = Group.objects.get_or_create(name=KSG_STAFF_GROUP)
    wanted = Permission.objects.none()
    for app_label, actions in KSG_STAFF_PERMISSIONS.items():
        for action in actions:
            wanted |= Permission.objects.filter(
                content_type__app_label=app_label, codename__startswith=f"{action}_"
            )
    have = set(group.permissions.values_list("pk", flat=True))
    missing = [pk for pk in wanted.values_list("pk", flat=True) if pk not in have]
    if missing:
        group.permissions.add(*missing)
    return group


def _verify_emails(people, users) -> int:
    user_ids = [users[p.email].pk for p in people]
    existing = EmailAddress.objects.filter(user_id__in=user_ids)
    have = {(user_id, email.lower()) for user_id, email in existing.values_list("user_id", "email")}
    with_primary = set(existing.filter(primary=True).values_list("user_id", flat=True))
    new = [
        EmailAddress(
            user_id=users[p.email].pk,
            email=p.email,
            verified=True,
            primary=users[p.email].pk not in with_primary,
        )
        for p in people
        if (users[p.email].pk, p.email) not in have
    ]
    EmailAddress.objects.bulk_create(new)
    existing.filter(email__in=[p.email for p in people], verified=False).update(verified=True)
    return len(new)


def _add_profiles(people, users, organisations) -> int:
    with_profile = set(
        OfficerProfile.objects.filter(user_id__in=[u.pk for u in users.values()]).values_list(
            "user_id", flat=True
        )
    )
    county_ids = dict(County.objects.values_list("name", "pk"))
    new = [
        OfficerProfile(
            user_id=users[p.email].pk,
            personal_number=p.profile.personal_number,
            organisation_id=organisations[p.profile.organisation][0],
            job_group=p.profile.job_group,
            designation=p.profile.designation,
            duty_station_id=county_ids[p.profile.duty_station],
        )
        for p in people
        if p.profile and users[p.email].pk not in with_profile
    ]
    OfficerProfile.objects.bulk_create(new)
    return len(new)


def _add_memberships(people, users, organisations) -> int:
    holders = [p for p in people if p.memberships]
    have = set(
        Membership.objects.filter(user_id__in=[users[p.email].pk for p in holders]).values_list(
            "user_id", "role", "organisation_id"
        )
    )
    new = []
    for p in holders:
        for role, slug in p.memberships:
            key = (users[p.email].pk, role, organisations[slug][0] if slug else None)
            if key not in have:
                new.append(Membership(user_id=key[0], role=key[1], organisation_id=key[2]))
    Membership.objects.bulk_create(new)
    return len(new)


def _add_authenticators(people, users) -> int:
    """Each account with a role has the demo authenticator app (the secret encrypted, like any
    other), so that it can sign in past the MFA requirement."""
    holders = [users[p.email].pk for p in people if p.memberships]
    have = set(
        Authenticator.objects.filter(user_id__in=holders, type=Authenticator.Type.TOTP).values_list(
            "user_id", flat=True
        )
    )
    new = [
        Authenticator(
            user_id=pk, type=Authenticator.Type.TOTP, data={"secret": encrypt(DEMO_TOTP_SECRET)}
        )
        for pk in holders
        if pk not in have
    ]
    Authenticator.objects.bulk_create(new)
    return len(new)


def _grant_groups(people, users):
    members = [p for p in people if KSG_STAFF_GROUP in p.groups]
    if not members:
        return
    group = ksg_staff_group()
    through = User.groups.through
    have = set(through.objects.filter(group=group).values_list("user_id", flat=True))
    through.objects.bulk_create(
        [
            through(user_id=users[p.email].pk, group_id=group.pk)
            for p in members
            if users[p.email].pk not in have
        ]
    )
    User.objects.filter(email__in=[p.email for p in people if p.is_staff], is_staff=False).update(
        is_staff=True
    )

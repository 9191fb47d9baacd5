"""Writes of accounts, officer profiles, roles and API tokens.

Each function is one use case: keyword-only, transactional, and it appends its audit event in
the same transaction, so that a change and its record commit together or not at all.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from academy import roles, selectors
from academy.audit import audit_record
from academy.models import County, Membership, OfficerProfile, Organisation, User


class PersonalNumberTaken(Exception):
    """Another officer profile already holds this personal number."""


# What an officer may change about themselves on the profile page. The personal number is not
# among them: it ties the account to the payroll, so only KSG staff correct it (on HR's word).
OFFICER_EDITABLE_PROFILE_FIELDS = (
    "organisation",
    "job_group",
    "designation",
    "duty_station",
    "national_id",
    "gender",
)
ACCOUNT_FIELDS = ("full_name", "preferred_language")
STAFF_ONLY_PROFILE_FIELDS = ("personal_number",)


def officer_profile_create(
    *,
    user: User,
    personal_number: str,
    organisation: Organisation,
    job_group: str,
    designation: str,
    duty_station: County,
    national_id: str = "",
    gender: str = "",
) -> OfficerProfile:
    """The user has an officer profile; raises PersonalNumberTaken if the number is in use."""
    profile = OfficerProfile(
        user=user,
        personal_number=normalise_personal_number(personal_number),
        organisation=organisation,
        job_group=job_group,
        designation=designation.strip(),
        duty_station=duty_station,
        national_id=national_id.strip(),
        gender=gender,
    )
    # Formats and choices are checked here; uniqueness is left to the database constraint,
    # the only check that holds when two sign-ups race for one personal number.
    profile.full_clean(
        exclude=["user", "organisation", "duty_station"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            profile.save()
            audit_record(
                actor=user,
                action="academy.officer_profile.created",
                target=profile,
                data={"organisation": organisation.pk, "job_group": job_group},
            )
    except IntegrityError as exc:
        if selectors.personal_number_taken(profile.personal_number):
            raise PersonalNumberTaken(profile.personal_number) from exc
        raise
    return profile


def officer_profile_update(*, profile: OfficerProfile, by: User, **changes) -> OfficerProfile:
    """The profile (and its officer's name and language) hold ``changes``; one audit event
    names the fields that changed, never their values (national ID and gender are personal).

    Only KSG staff may change the personal number; an unknown field name is a TypeError, so a
    caller can't pass a form's data through unfiltered.
    """
    allowed = OFFICER_EDITABLE_PROFILE_FIELDS + ACCOUNT_FIELDS + STAFF_ONLY_PROFILE_FIELDS
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise TypeError(f"officer_profile_update() cannot change {', '.join(unknown)}")
    if "personal_number" in changes:
        if not roles.is_ksg_staff(by):
            raise PermissionDenied("Only KSG staff may correct a personal number.")
        changes["personal_number"] = normalise_personal_number(changes["personal_number"])
    for name in ("designation", "national_id", "full_name"):
        if name in changes:
            changes[name] = changes[name].strip()

    try:
        with transaction.atomic():
            profile = (
                OfficerProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
            )
            user = profile.user
            changed_profile = _assign(profile, changes, exclude=ACCOUNT_FIELDS)
            changed_account = _assign(user, changes, only=ACCOUNT_FIELDS)
            if not changed_profile and not changed_account:
                return profile
            profile.full_clean(
                exclude=["user", "organisation", "duty_station"],
                validate_unique=False,
                validate_constraints=False,
            )
            user.full_clean(exclude=["password", "email"], validate_unique=False)
            if changed_profile:
                profile.save(update_fields=[*changed_profile, "updated_at"])
            if changed_account:
                user.save(update_fields=changed_account)
            audit_record(
                actor=by,
                action="academy.officer_profile.updated",
                target=profile,
                data={"fields": sorted(changed_profile + changed_account)},
            )
    except IntegrityError as exc:
        number = changes.get("personal_number")
        if number and selectors.personal_number_taken(number):
            raise PersonalNumberTaken(number) from exc
        raise
    return profile


def officer_profile_complete(
    *,
    user: User,
    full_name: str,
    preferred_language: str,
    personal_number: str,
    organisation: Organisation,
    job_group: str,
    designation: str,
    duty_station: County,
    national_id: str = "",
    gender: str = "",
) -> OfficerProfile:
    """An account made without one (e.g. in the admin) has an officer profile and the name
    and language its holder gave with it."""
    with transaction.atomic():
        account_update(
            user=user, by=user, full_name=full_name, preferred_language=preferred_language
        )
        return officer_profile_create(
            user=user,
            personal_number=personal_number,
            organisation=organisation,
            job_group=job_group,
            designation=designation,
            duty_station=duty_station,
            national_id=national_id,
            gender=gender,
        )


def account_update(*, user: User, by: User, **changes) -> User:
    """The account holds the new name and/or preferred language; audited if anything changed."""
    unknown = sorted(set(changes) - set(ACCOUNT_FIELDS))
    if unknown:
        raise TypeError(f"account_update() cannot change {', '.join(unknown)}")
    if "full_name" in changes:
        changes["full_name"] = changes["full_name"].strip()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        changed = _assign(user, changes)
        if changed:
            user.full_clean(exclude=["password", "email"], validate_unique=False)
            user.save(update_fields=changed)
            audit_record(
                actor=by, action="academy.user.updated", target=user, data={"fields": changed}
            )
    return user


def membership_grant(
    *, user: User, role: str, organisation: Organisation | None = None, by: User | None
) -> Membership:
    """The user holds ``role`` (for ``organisation`` when the role is scoped); audited."""
    with transaction.atomic():
        membership = Membership(user=user, role=role, organisation=organisation, granted_by=by)
        membership.full_clean(exclude=["granted_by"])
        membership.save()
        _forget_roles(user)
        audit_record(
            actor=by,
            action="academy.membership.granted",
            target=user,
            data=_membership_data(membership),
        )
    return membership


def membership_revoke(*, membership: Membership, by: User | None) -> None:
    """The membership is gone; the audit event keeps what role was revoked and where."""
    with transaction.atomic():
        data = _membership_data(membership)
        user = membership.user
        membership.delete()
        _forget_roles(user)
        audit_record(actor=by, action="academy.membership.revoked", target=user, data=data)


def api_token_create(*, user: User, by: User | None = None) -> Token:
    """The user has exactly one API token, a new one: any earlier token no longer works.

    The audit event says that a token was issued, never the token itself.
    """
    with transaction.atomic():
        replaced, _ = Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_record(
            actor=by,
            action="academy.api_token.created",
            target=user,
            data={"replaced_earlier_token": bool(replaced)},
        )
    return token


def api_token_revoke(*, user: User, by: User | None = None) -> bool:
    """The user has no API token any more; False if there was none (nothing is audited then)."""
    with transaction.atomic():
        deleted, _ = Token.objects.filter(user=user).delete()
        if deleted:
            audit_record(actor=by, action="academy.api_token.revoked", target=user)
    return bool(deleted)


def normalise_personal_number(value: str) -> str:
    """Personal numbers are compared as written on payslips: no surrounding space, capitals."""
    return value.strip().upper()


def _assign(obj, changes: dict, *, only=None, exclude=()) -> list[str]:
    """Set the changed attributes of ``obj``; return their names (for update_fields and audit)."""
    changed = []
    for name, value in changes.items():
        if (only is not None and name not in only) or name in exclude:
            continue
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _membership_data(membership: Membership) -> dict:
    return {
        "membership": membership.pk,
        "role": membership.role,
        "organisation": membership.organisation_id,
    }


def _forget_roles(user: User) -> None:
    # roles.memberships_of() caches a user's memberships on the user object for the request.
    user.__dict__.pop("_academy_memberships", None)

"""The export registry covers every model that refers to a person: a new model or field with a
relation to the user, their officer profile or their enrolments fails here until it is
registered (exported, or withheld with a reason)."""

from django.apps import apps
from django.contrib.auth import get_user_model

from academy.models import OfficerProfile
from enrollments.models import Enrollment
from privacy import registry

PERSONAL = (get_user_model(), OfficerProfile, Enrollment)


def _relations_to_a_person():
    """(model label, field name) of every relation, on every installed model, that points at
    the user model, an officer profile or an enrolment."""
    found = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue  # the same table as its concrete model, registered under that one
        for field in model._meta.get_fields():
            if (
                field.is_relation
                and field.concrete
                and (field.many_to_many or field.many_to_one or field.one_to_one)
                and field.related_model in PERSONAL
            ):
                found.add((model._meta.label, field.name))
    return found


def test_every_relation_to_a_person_is_exported():
    covered = {
        (source.model, source.via.split("__")[0])
        for source in registry.active_sources()
        if source.via
    }
    missing = sorted(_relations_to_a_person() - covered)
    assert not missing, f"not in privacy.registry.SOURCES: {missing}"


def test_the_walk_finds_the_known_relations():
    # A guard on the test itself: if the walk found nothing, the test above would pass vacuously.
    found = _relations_to_a_person()
    for expected in [
        ("academy.OfficerProfile", "user"),
        ("enrollments.Enrollment", "officer"),
        ("enrollments.Attendance", "enrollment"),
        ("certificates.Certificate", "enrollment"),
        ("account.EmailAddress", "user"),
        ("mfa.Authenticator", "user"),
        ("authtoken.Token", "user"),
        ("partners.Review", "author"),
        ("privacy.ErasureRequest", "user"),
        ("courses.Cohort", "facilitators"),
    ]:
        assert expected in found


def test_every_field_of_a_registered_model_is_exported_or_withheld_with_a_reason():
    for source in registry.active_sources():
        model = source.model_class()
        names = {f.name for f in model._meta.concrete_fields} | {
            f.name for f in model._meta.many_to_many
        }
        listed = set(source.fields) | set(source.withheld)
        assert names == listed, (
            f"{source.key}: not sorted {sorted(names - listed)}, unknown {sorted(listed - names)}"
        )
        assert not set(source.fields) & set(source.withheld), source.key
        assert all(str(why).strip() for why in source.withheld.values())


def test_secrets_are_never_exported():
    exported = {(s.model, f) for s in registry.active_sources() for f in s.fields}
    for secret in [
        ("academy.User", "password"),
        ("mfa.Authenticator", "data"),
        ("authtoken.Token", "key"),
        ("account.EmailConfirmation", "key"),
        ("usersessions.UserSession", "session_key"),
        ("certificates.Certificate", "verification_code"),
    ]:
        assert secret not in exported


def test_an_optional_app_s_source_is_skipped_when_it_is_not_installed():
    keys = {s.key for s in registry.active_sources()}
    assert ("usersessions.UserSession:user" in keys) == apps.is_installed("allauth.usersessions")

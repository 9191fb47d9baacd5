"""factory_boy factories for the portal's models. Personas are built from these in conftest."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from academy.models import County, Membership, OfficerProfile, Organisation, User
from courses.models import Campus, Cohort, Competency, Course, DeliveryMode, Level, SkillArea
from enrollments.models import Enrollment

DEFAULT_PASSWORD = "Correct-Horse-Battery-9"
# The TOTP secret of every factory-made authenticator (base32; totp_code() gives its code).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_totp(user, secret: str = TEST_TOTP_SECRET):
    """An active authenticator app for ``user`` (at most one: allauth allows one TOTP)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, secret).instance


def totp_code(secret: str = TEST_TOTP_SECRET, *, at: float | None = None) -> str:
    """The code an authenticator app shows now (or at the Unix time ``at``)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time() if at is None else at) // 30))


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("name",)

    code = factory.Sequence(lambda n: 100 + n)
    name = factory.Sequence(lambda n: f"County {n}")


class OrganisationFactory(DjangoModelFactory):
    """Organisations live in a materialised-path tree: created with add_root/add_child."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Ministry of Things {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organisation.Kind.MINISTRY
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.objects.add_root(create_kwargs=kwargs)
        return model_class.objects.add_child(parent, create_kwargs=kwargs)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.go.ke")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Mark the e-mail address verified, as allauth would after the link is followed."""
        if not create or extracted is False:
            return
        from allauth.account.models import EmailAddress

        self.save()
        EmailAddress.objects.update_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        """A superuser must use MFA (academy.mfa): give one an authenticator app unless
        ``mfa=False``; ``mfa=True`` gives any user one."""
        if create and (extracted or (extracted is None and self.is_superuser)):
            give_totp(self)


class OfficerProfileFactory(DjangoModelFactory):
    class Meta:
        model = OfficerProfile

    user = factory.SubFactory(UserFactory)
    personal_number = factory.Sequence(lambda n: f"{20230000 + n}")
    organisation = factory.SubFactory(OrganisationFactory)
    job_group = "K"
    designation = "ICT Officer"
    duty_station = factory.SubFactory(CountyFactory, name="Nairobi City", code=47)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.KSG_STAFF
    organisation = None

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        """Every role must use MFA (academy.mfa), so a member gets an authenticator app, as
        they would have set one up; ``mfa=False`` leaves it out (to test the enforcement)."""
        if create and extracted is not False:
            give_totp(self.user)


class SkillAreaFactory(DjangoModelFactory):
    class Meta:
        model = SkillArea
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"skill-area-{n}")
    name = factory.Sequence(lambda n: f"Skill area {n}")
    summary = "What public servants need to know."
    position = factory.Sequence(int)


class CompetencyFactory(DjangoModelFactory):
    class Meta:
        model = Competency

    skill_area = factory.SubFactory(SkillAreaFactory)
    slug = factory.Sequence(lambda n: f"competency-{n}")
    name = factory.Sequence(lambda n: f"Competency {n}")


class CampusFactory(DjangoModelFactory):
    class Meta:
        model = Campus
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"campus-{n}")
    name = factory.Sequence(lambda n: f"Campus {n}")
    county = factory.SubFactory(CountyFactory, name="Nairobi City", code=47)


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TST-{n:03d}")
    title = factory.Sequence(lambda n: f"Course number {n}")
    summary = "A short course for public servants."
    description = "Participants learn by doing, with exercises drawn from government work."
    skill_area = factory.SubFactory(SkillAreaFactory)
    level = Level.FOUNDATION
    delivery_mode = DeliveryMode.IN_PERSON
    duration_days = 5
    cpd_hours = 30
    provider = factory.LazyFunction(
        lambda: (
            Organisation.objects.filter(kind=Organisation.Kind.ACADEMY).first()
            or OrganisationFactory(
                name="Kenya School of Government", slug="ksg", kind=Organisation.Kind.ACADEMY
            )
        )
    )

    @factory.post_generation
    def competencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.competencies.set(extracted)


class CohortFactory(DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    code = factory.Sequence(lambda n: f"C-{n:05d}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=4))
    campus = factory.SubFactory(CampusFactory)
    capacity = 25
    enrolment_opens_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=10)
    )
    enrolment_closes_on = factory.LazyAttribute(lambda o: o.starts_on - datetime.timedelta(days=3))
    status = Cohort.Status.SCHEDULED


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    officer = factory.SubFactory(UserFactory)
    cohort = factory.SubFactory(CohortFactory)
    state = Enrollment.State.ENROLLED
    # A place in line only while waiting (a database constraint); tests that care about the
    # order go through the enrolment services instead.
    waitlist_position = factory.Maybe(
        factory.LazyAttribute(lambda o: o.state == Enrollment.State.WAITLISTED),
        yes_declaration=factory.Sequence(lambda n: n + 1),
        no_declaration=None,
    )

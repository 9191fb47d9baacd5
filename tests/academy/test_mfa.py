"""MFA: required for every role that sees others' personal data, secrets encrypted at rest,
replayed TOTP codes and used recovery codes refused (academy.mfa, allauth.mfa)."""

import importlib
import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from cryptography.fernet import Fernet
from django.apps import apps
from django.db import connection
from django.urls import reverse
from rest_framework.authtoken.models import Token

from academy import mfa
from academy.models import Membership
from tests.factories import (
    DEFAULT_PASSWORD,
    TEST_TOTP_SECRET,
    MembershipFactory,
    UserFactory,
    give_totp,
    totp_code,
)

pytestmark = pytest.mark.django_db

Role = Membership.Role
PAGE = "/profile/"
API = "/api/v1/me/enrolments/"


def _member(role: str, organisation=None, **kwargs):
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, role=role, organisation=organisation, mfa=False)
    return user


@pytest.fixture(params=["ksg_staff", "facilitator", "training_officer", "partner_reviewer"])
def member_without_mfa(request, ministry_ict, huawei):
    organisation = {"training_officer": ministry_ict, "partner_reviewer": huawei}
    return _member(request.param, organisation.get(request.param))


@pytest.fixture
def superuser_without_mfa(db):
    return UserFactory(email="root2@ksg.ac.ke", is_staff=True, is_superuser=True, mfa=False)


# --- Enforcement -------------------------------------------------------------------------------


def test_a_role_without_mfa_is_sent_to_set_it_up(client, member_without_mfa):
    client.force_login(member_without_mfa)

    response = client.get(PAGE, follow=True)

    assert response.redirect_chain[0] == (reverse("mfa_index"), 302)
    assert response.status_code == 200
    assert "must be protected by two-factor authentication" in response.content.decode()


def test_a_role_without_mfa_gets_403_from_the_api(client, member_without_mfa):
    client.force_login(member_without_mfa)

    response = client.get(API)

    assert response.status_code == 403
    assert "two-factor authentication" in response.json()["detail"]


def test_a_role_without_mfa_gets_403_with_its_api_token(client, member_without_mfa):
    token = Token.objects.create(user=member_without_mfa)

    response = client.get(API, HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 403
    assert "two-factor authentication" in response.json()["detail"]


def test_a_superuser_without_mfa_is_sent_to_set_it_up(client, superuser_without_mfa):
    client.force_login(superuser_without_mfa)

    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_index")
    assert client.get(API).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/email/",
        "/accounts/reauthenticate/",
        "/healthz",
    ],
)
def test_setting_up_mfa_and_what_it_needs_stay_open(client, member_without_mfa, path):
    client.force_login(member_without_mfa)

    response = client.get(path)

    assert response.status_code == 200, response.get("Location")


def test_static_files_are_not_held_back(member_without_mfa, rf):
    request = rf.get("/static/css/academy.css")
    request.user = member_without_mfa

    response = mfa.MFARequiredMiddleware(lambda request: "served")(request)

    assert response == "served"


def test_signing_out_and_switching_language_stay_open(client, member_without_mfa):
    client.force_login(member_without_mfa)

    switched = client.post("/i18n/setlang/", {"language": "sw", "next": "/accounts/2fa/"})
    assert switched["Location"] == "/accounts/2fa/"
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_recovery_codes_alone_do_not_count(client, member_without_mfa):
    RecoveryCodes.activate(member_without_mfa)
    client.force_login(member_without_mfa)

    assert client.get(PAGE)["Location"] == reverse("mfa_index")


def test_after_activating_totp_the_pages_open(client, member_without_mfa):
    client.force_login(member_without_mfa)
    activate = reverse("mfa_activate_totp")
    assert client.get(activate).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post(activate, {"code": totp_code(secret)})

    assert response.status_code == 302, response.content.decode()
    assert client.get(PAGE).status_code == 200
    assert client.get(API).status_code == 200


def test_a_security_key_counts(client, member_without_mfa):
    Authenticator.objects.create(
        user=member_without_mfa, type=Authenticator.Type.WEBAUTHN, data={"name": "YubiKey"}
    )
    client.force_login(member_without_mfa)

    assert client.get(PAGE).status_code == 200


def test_an_officer_is_not_forced(client, wanjiku):
    client.force_login(wanjiku)

    assert client.get(PAGE).status_code == 200
    assert client.get(API).status_code == 200


def test_the_factories_give_every_persona_with_a_role_an_authenticator(
    ksg_staff, trainer, hr_ict, huawei_reviewer, wanjiku
):
    for user in (ksg_staff, trainer, hr_ict, huawei_reviewer):
        assert not mfa.mfa_setup_missing(user)
    assert not Authenticator.objects.filter(user=wanjiku).exists()


# --- Secrets at rest ---------------------------------------------------------------------------


def _stored_data(authenticator) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data FROM mfa_authenticator WHERE id = %s",
            [authenticator.pk],
        )
        (raw,) = cursor.fetchone()
    return raw if isinstance(raw, str) else str(raw)


def test_the_totp_secret_is_not_stored_in_clear(ksg_staff):
    authenticator = Authenticator.objects.get(user=ksg_staff, type=Authenticator.Type.TOTP)

    raw = _stored_data(authenticator)

    assert TEST_TOTP_SECRET not in raw
    assert mfa.MFAAdapter().decrypt(authenticator.data["secret"]) == TEST_TOTP_SECRET


def test_the_recovery_code_seed_is_not_stored_in_clear(ksg_staff):
    codes = RecoveryCodes.activate(ksg_staff)
    seed = mfa.MFAAdapter().decrypt(codes.instance.data["seed"])

    assert seed not in _stored_data(codes.instance)
    assert len(codes.get_unused_codes()) == 10


def test_a_secret_encrypted_under_an_older_key_still_decrypts(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEY = old
    stored = mfa.MFAAdapter().encrypt("SECRET")

    settings.MFA_ENCRYPTION_KEY = f"{new},{old}"

    assert mfa.MFAAdapter().decrypt(stored) == "SECRET"
    assert Fernet(new.encode()).decrypt(mfa.MFAAdapter().encrypt("X").encode()) == b"X"


def test_the_migration_encrypts_clear_secrets_once(ksg_staff):
    migration = importlib.import_module("academy.migrations.0003_encrypt_mfa_secrets")
    totp = Authenticator.objects.get(user=ksg_staff, type=Authenticator.Type.TOTP)
    Authenticator.objects.filter(pk=totp.pk).update(data={"secret": TEST_TOTP_SECRET})
    codes = Authenticator.objects.create(
        user=ksg_staff,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )

    migration.encrypt_clear_secrets(apps, None)
    totp.refresh_from_db()
    codes.refresh_from_db()
    once = (totp.data, codes.data)
    migration.encrypt_clear_secrets(apps, None)
    totp.refresh_from_db()
    codes.refresh_from_db()

    assert (totp.data, codes.data) == once  # idempotent
    assert TEST_TOTP_SECRET not in _stored_data(totp)
    adapter = mfa.MFAAdapter()
    assert adapter.decrypt(totp.data["secret"]) == TEST_TOTP_SECRET
    assert adapter.decrypt(codes.data["seed"]) == "ab" * 40
    assert adapter.decrypt(codes.data["migrated_codes"][0]) == "12345678"


def test_the_deploy_check_refuses_a_missing_or_bad_key(settings):
    settings.MFA_ENCRYPTION_DEVELOPMENT_KEY = False
    settings.MFA_ENCRYPTION_KEY = ""
    assert [e.id for e in mfa.encryption_key_check()] == ["academy.E001"]
    settings.MFA_ENCRYPTION_KEY = "not-a-fernet-key"
    assert [e.id for e in mfa.encryption_key_check()] == ["academy.E001"]
    settings.MFA_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert mfa.encryption_key_check() == []


def test_without_a_key_and_debug_off_nothing_is_encrypted_with_a_stand_in(settings):
    settings.MFA_ENCRYPTION_DEVELOPMENT_KEY = False
    settings.MFA_ENCRYPTION_KEY = ""

    with pytest.raises(mfa.EncryptionKeyError):
        mfa.MFAAdapter().encrypt("SECRET")


# --- Signing in with a second factor -----------------------------------------------------------


def _password_step(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    return response


def _code_step(client, code):
    return client.post(reverse("mfa_authenticate"), {"code": code})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_sign_in_with_the_code_of_their_app(client, ksg_staff):
    _password_step(client, ksg_staff)
    assert not _signed_in(client)  # the password alone is not enough

    response = _code_step(client, totp_code())

    assert response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == ksg_staff.pk


def test_a_wrong_code_is_refused(client, ksg_staff):
    _password_step(client, ksg_staff)

    response = _code_step(client, "000000" if totp_code() != "000000" else "111111")

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not _signed_in(client)


def _replayed_code_is_refused(client, user):
    if time.time() % 30 > 27:  # let the code's 30-second window not end half-way
        time.sleep(3.5)
    code = totp_code()
    _password_step(client, user)
    assert _code_step(client, code)["Location"] == reverse("home")
    client.post(reverse("account_logout"))

    # Someone who saw the code (over a shoulder, in a phishing proxy) tries it again at once.
    _password_step(client, user)
    response = _code_step(client, code)

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not _signed_in(client)


def test_a_replayed_totp_code_is_refused(client, ksg_staff):
    _replayed_code_is_refused(client, ksg_staff)


@pytest.mark.redis
def test_a_replayed_totp_code_is_refused_with_redis_as_the_shared_cache(client, ksg_staff):
    """Every web process must see the used-code marks: in production they live in Redis."""
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    _replayed_code_is_refused(client, ksg_staff)


def test_a_used_recovery_code_is_refused_the_second_time(client, ksg_staff):
    code = RecoveryCodes.activate(ksg_staff).get_unused_codes()[0]
    _password_step(client, ksg_staff)
    assert _code_step(client, code)["Location"] == reverse("home")
    client.post(reverse("account_logout"))

    _password_step(client, ksg_staff)
    response = _code_step(client, code)

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not _signed_in(client)
    assert len(RecoveryCodes.activate(ksg_staff).get_unused_codes()) == 9


# --- WebAuthn under the CSP --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["mfa_add_webauthn", "mfa_index"])
def test_the_security_key_pages_run_no_inline_script(client, ksg_staff, name):
    """allauth's WebAuthn pages pass their data in <script type="application/json"> blocks,
    which browsers never execute (so the CSP's script-src doesn't apply); the code itself comes
    from static files."""
    client.force_login(ksg_staff)

    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_give_totp_is_idempotent(ksg_staff):
    assert give_totp(ksg_staff) == give_totp(ksg_staff)

"""Encrypt the MFA secrets that allauth stored in clear before ``academy.mfa.MFAAdapter``.

Idempotent: a value that already decrypts with the configured keys is left alone, so running it
again (or on a database where every secret is new) changes nothing.
"""

from django.db import migrations

# The secret fields of each authenticator type (see allauth.mfa's TOTP and RecoveryCodes).
SECRET_FIELDS = {"totp": ["secret"], "recovery_codes": ["seed"]}
SECRET_LISTS = {"recovery_codes": ["migrated_codes"]}


def encrypt_clear_secrets(apps, schema_editor):
    from academy import mfa

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = dict(authenticator.data)
        changed = False
        for field in SECRET_FIELDS.get(authenticator.type, []):
            value = data.get(field)
            if isinstance(value, str) and not mfa.is_encrypted(value):
                data[field] = mfa.fernet().encrypt(value.encode()).decode()
                changed = True
        for field in SECRET_LISTS.get(authenticator.type, []):
            values = data.get(field)
            if isinstance(values, list):
                encrypted = [
                    v if mfa.is_encrypted(v) else mfa.fernet().encrypt(v.encode()).decode()
                    for v in values
                ]
                changed = changed or encrypted != values
                data[field] = encrypted
        if changed:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def decrypt_secrets(apps, schema_editor):
    """Going back to allauth's default adapter means going back to clear secrets."""
    from academy import mfa

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]):
        data = dict(authenticator.data)
        for field in SECRET_FIELDS.get(authenticator.type, []):
            value = data.get(field)
            if isinstance(value, str) and mfa.is_encrypted(value):
                data[field] = mfa.fernet().decrypt(value.encode()).decode()
        for field in SECRET_LISTS.get(authenticator.type, []):
            values = data.get(field)
            if isinstance(values, list):
                data[field] = [
                    mfa.fernet().decrypt(v.encode()).decode() if mfa.is_encrypted(v) else v
                    for v in values
                ]
        authenticator.data = data
        authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("academy", "0002_fewer_indexes"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_clear_secrets, decrypt_secrets)]

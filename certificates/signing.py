"""The issuer's key, and credentials signed with it as VC-JWTs (Open Badges 3.0, section 8.2).

The signed form follows 1EdTech's "JSON Web Token Proof Format" of Open Badges 3.0: the JWT
payload *is* the ``OpenBadgeCredential`` (its members at the top level, no ``vc`` wrapper),
with the registered claims ``iss`` (``issuer.id``), ``jti`` (the credential's ``id``), ``nbf``
(``validFrom``) and ``sub`` (``credentialSubject.id``). The JOSE header holds only ``alg``,
``kid`` and ``typ: "JWT"``; ``kid`` is an address in the portal that answers with the public key
as a JWK, and the same key is in the issuer's JWKS (``/certificates/issuer/jwks.json``).

The key comes from ``OPEN_BADGES_SIGNING_KEY``, a PEM private key: RSA (signs RS256, the
algorithm every Open Badges verifier must support; 2048 bits at least) or Ed25519 (EdDSA).
Without one, and only when the portal started with ``DEBUG`` on (development, demo, tests:
``OPEN_BADGES_DEVELOPMENT_KEY``), the portal signs with
an Ed25519 key derived from ``SECRET_KEY``: the same on every process and host, never written
anywhere, and worthless in production, where ``certificates.checks`` refuses to start without
a real key.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

from certificates.badges import portal_url

MIN_RSA_BITS = 2048
REGISTERED_CLAIMS = ("iss", "jti", "nbf", "sub")


class SigningKeyError(ImproperlyConfigured):
    """The configured key is missing or unusable; the message says which and why."""


def sign(credential: dict) -> str:
    """``credential`` as a compact VC-JWT, signed with the issuer's key."""
    key = signing_key()
    payload = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": _numeric_date(credential["validFrom"]),
        "sub": credential["credentialSubject"]["id"],
    }
    return jwt.encode(
        payload, key, algorithm=algorithm(key), headers={"kid": key_id(), "typ": "JWT"}
    )


def credential_of(token: str) -> dict:
    """The credential a VC-JWT of ours carries: its payload without the JWT claims.

    Read back, not verified: the token is the portal's own stored copy, and may have been
    signed with a key since replaced (third parties verify; see the README).
    """
    payload = jwt.decode(token, options={"verify_signature": False})
    return {name: value for name, value in payload.items() if name not in REGISTERED_CLAIMS}


def public_jwk() -> dict:
    """The issuer's public key as a JWK (never with a private member), with ``kid``, ``alg``
    and ``use``."""
    key = signing_key()
    if isinstance(key, rsa.RSAPrivateKey):
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    else:
        jwk = OKPAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "kid": key_id(), "alg": algorithm(key), "use": "sig"}


def jwks() -> dict:
    """The issuer's JSON Web Key Set: the key that signs credentials now."""
    return {"keys": [public_jwk()]}


def key_id() -> str:
    """The address that answers with the public key: its RFC 7638 thumbprint in the path, so a
    new key gets a new address and credentials signed with the old one still name theirs."""
    return portal_url(reverse("certificates:issuer_key", kwargs={"thumbprint": thumbprint()}))


def thumbprint() -> str:
    """RFC 7638 SHA-256 thumbprint of the public key, base64url."""
    key = signing_key()
    if isinstance(key, rsa.RSAPrivateKey):
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        members = {"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}
    else:
        jwk = OKPAlgorithm.to_jwk(key.public_key(), as_dict=True)
        members = {"crv": jwk["crv"], "kty": "OKP", "x": jwk["x"]}
    digest = hashlib.sha256(json.dumps(members, separators=(",", ":")).encode()).digest()
    return jwt.utils.base64url_encode(digest).decode()


def algorithm(key) -> str:
    return "RS256" if isinstance(key, rsa.RSAPrivateKey) else "EdDSA"


def signing_key():
    """The issuer's private key (see the module's docstring); ``SigningKeyError`` if unusable."""
    return _load_key(
        settings.OPEN_BADGES_SIGNING_KEY,
        settings.OPEN_BADGES_DEVELOPMENT_KEY,
        settings.SECRET_KEY,
    )


@functools.lru_cache(maxsize=4)
def _load_key(pem: str, development: bool, secret_key: str):
    if not pem.strip():
        if not development:
            raise SigningKeyError(
                "OPEN_BADGES_SIGNING_KEY is not set: credentials cannot be signed. Set it to a "
                "PEM private key (RSA of 2048 bits or more, or Ed25519)."
            )
        seed = hashlib.sha256(b"ksg-academy open badges development key\0" + secret_key.encode())
        return ed25519.Ed25519PrivateKey.from_private_bytes(seed.digest())
    try:
        # A .env file may hold the PEM on one line with "\n" for its line breaks.
        text = pem.strip().replace("\\n", "\n")
        key = serialization.load_pem_private_key(text.encode(), password=None)
    except (ValueError, TypeError) as error:
        raise SigningKeyError(
            f"OPEN_BADGES_SIGNING_KEY is not an unencrypted PEM private key: {error}"
        ) from None
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < MIN_RSA_BITS:
            raise SigningKeyError(
                f"OPEN_BADGES_SIGNING_KEY is an RSA key of {key.key_size} bits; "
                f"use {MIN_RSA_BITS} or more."
            )
        return key
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key
    raise SigningKeyError(
        f"OPEN_BADGES_SIGNING_KEY is a {type(key).__name__}; use an RSA or Ed25519 key."
    )


def _numeric_date(value: str) -> int:
    return int(dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())

"""Each certificate as an Open Badges 3.0 credential (``OpenBadgeCredential``).

The credential is a pure function of the certificate: built only from the facts the certificate
copied when it was issued (what it prints, and ``badge_facts``), so that building it again later
gives the same JSON whatever has happened to the course since. It follows 1EdTech's Open Badges
3.0 on the W3C Verifiable Credentials data model 2.0: the KSG issuer ``Profile``, an
``AchievementSubject`` naming the officer as printed (with a salted hash of their e-mail, never
the address), and the course's ``Achievement`` with its completion rule as criteria, its CPD
hours as credits and its competencies as alignments to UNESCO's framework for civil servants.
It is in English (``inLanguage``), the certificate's main language, whoever asks for it.

Its ``id`` is the certificate's verification address: that page says whether it still stands
(valid, revoked, superseded). ``certificates.signing`` signs it as a VC-JWT.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.verification import verification_url

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
ISSUER_NAME = "Kenya School of Government"
FRAMEWORK = "UNESCO Digital Competencies for Civil Servants"


def credential(certificate: Certificate) -> dict:
    """The certificate's ``OpenBadgeCredential``, unsigned, as a JSON-ready dict."""
    url = verification_url(certificate)
    return {
        "@context": CONTEXT,
        "id": url,
        "type": CREDENTIAL_TYPE,
        "name": f"Certificate of Completion: {certificate.course_title}",
        "issuer": issuer_profile(),
        "validFrom": _datetime(certificate.issued_at),
        "credentialSubject": _subject(certificate),
        "evidence": [_evidence(certificate)],
    }


def issuer_profile(*, with_context: bool = False) -> dict:
    """KSG as the issuer ``Profile``; its ``id`` is the portal address that serves this JSON."""
    profile = {
        "id": portal_url(reverse("certificates:issuer")),
        "type": ["Profile"],
        "name": ISSUER_NAME,
        "url": settings.PORTAL_URL + "/",
        "description": "KSG Digital Academy, the digital skills academy of the Kenya School of "
        "Government, Nairobi, Kenya.",
    }
    return {"@context": CONTEXT, **profile} if with_context else profile


def credential_json(credential_: dict) -> bytes:
    """The bytes of the JSON file handed out (download, and attachment inside the PDF)."""
    return (json.dumps(credential_, ensure_ascii=False, indent=2) + "\n").encode()


def badge_facts(*, course, competencies: list[tuple[str, str]], email: str) -> dict:
    """What a certificate issued now copies for its credential: ``competencies`` are (slug,
    name) pairs; the e-mail is kept only as a salted SHA-256, as Open Badges recommends, so that
    someone who already knows the address can check it and nobody else learns it."""
    salt = secrets.token_hex(16)
    return {
        "course_summary": course.summary,
        "min_attendance_percent": course.min_attendance_percent,
        "pass_mark": course.pass_mark,
        "skill_area_slug": course.skill_area.slug,
        "competencies": [{"slug": slug, "name": name} for slug, name in competencies],
        "recipient": {"salt": salt, "hash": email_hash(email, salt)},
    }


def email_hash(email: str, salt: str) -> str:
    """Open Badges' ``IdentityHash`` of ``email``: ``sha256$`` and the hex digest of the
    lower-cased address followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def portal_url(path: str) -> str:
    """``path`` as an absolute address of the portal (credentials travel far from requests)."""
    return settings.PORTAL_URL + path


# --- Parts of the credential ---------------------------------------------------------------


def _subject(certificate: Certificate) -> dict:
    recipient = (certificate.badge_facts or {}).get("recipient") or {}
    identifiers = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": certificate.officer_name,
        }
    ]
    if recipient.get("hash"):
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": recipient["hash"],
                "salt": recipient["salt"],
            }
        )
    return {
        "id": subject_id(certificate),
        "type": ["AchievementSubject"],
        "identifier": identifiers,
        "achievement": _achievement(certificate),
        "creditsEarned": float(certificate.cpd_hours),
        "activityStartDate": _datetime(_day_start(certificate.cohort_starts_on)),
        "activityEndDate": _datetime(_day_start(certificate.cohort_ends_on + dt.timedelta(days=1))),
    }


def subject_id(certificate: Certificate) -> str:
    """A URN for the subject of this one credential (OB 3.0's JWT needs ``sub``): derived from
    the certificate, so it says nothing of the officer and links none of their credentials."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, verification_url(certificate) + '#subject')}"


def _achievement(certificate: Certificate) -> dict:
    facts = certificate.badge_facts or {}
    course_page = portal_url(
        reverse("courses:course_detail", kwargs={"code": certificate.course_code})
    )
    return {
        "id": course_page + "#achievement",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": certificate.course_title,
        "description": facts.get("course_summary")
        or f"Completion of the course {certificate.course_code}, {certificate.course_title}.",
        "criteria": {"id": course_page, "narrative": criteria_narrative(certificate)},
        "humanCode": certificate.course_code,
        "fieldOfStudy": certificate.skill_area,
        "creditsAvailable": float(certificate.cpd_hours),
        "tag": [certificate.skill_area, str(certificate.level_label), "CPD"],
        "alignment": [_alignment(c, certificate) for c in _competencies(certificate)],
        "inLanguage": "en",
    }


def criteria_narrative(certificate: Certificate) -> str:
    """The course's completion rule, as it was when the certificate was issued, in words."""
    facts = certificate.badge_facts or {}
    attendance = facts.get("min_attendance_percent")
    pass_mark = facts.get("pass_mark")
    if attendance is None:
        # Issued before the rule was copied: say what every certificate means, no more.
        return (
            f"Complete a cohort of {certificate.course_code} at the Kenya School of Government, "
            "meeting the course's attendance and assessment requirements."
        )
    text = (
        f"Attend at least {attendance}% of the sessions of a cohort of {certificate.course_code} "
        "at the Kenya School of Government"
    )
    if pass_mark is not None:
        text += f" and score at least {pass_mark}% in its assessment"
    return text + "."


def _competencies(certificate: Certificate) -> list[dict]:
    snapshot = (certificate.badge_facts or {}).get("competencies")
    if snapshot is not None:
        return snapshot
    return [{"slug": "", "name": name} for name in certificate.competencies]


def _alignment(competency: dict, certificate: Certificate) -> dict:
    catalogue = portal_url(reverse("courses:catalogue"))
    slug = competency["slug"]
    alignment = {
        "type": ["Alignment"],
        "targetName": competency["name"],
        # The catalogue filtered by the competency is the portal's page about it.
        "targetUrl": f"{catalogue}?{urlencode({'competency': slug})}" if slug else catalogue,
        "targetDescription": f"A competency of {certificate.skill_area}.",
        "targetFramework": FRAMEWORK,
        "targetType": "ext:Competency",
    }
    if slug:
        alignment["targetCode"] = slug
    return alignment


def _evidence(certificate: Certificate) -> dict:
    where = f"at the {certificate.campus} campus" if certificate.campus else "online"
    return {
        "type": ["Evidence"],
        "name": f"Cohort {certificate.cohort_code}",
        "description": (
            f"Took part in cohort {certificate.cohort_code} {where} from "
            f"{certificate.cohort_starts_on.isoformat()} to "
            f"{certificate.cohort_ends_on.isoformat()} and met the course's completion rule "
            f"({certificate.cpd_hours} CPD hours)."
        ),
    }


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _datetime(moment: dt.datetime) -> str:
    """XML Schema dateTime in UTC, to the second (as JWT's NumericDate can carry it)."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")

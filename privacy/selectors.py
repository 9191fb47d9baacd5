"""Reads of the privacy app: the person's own data (subject access), and erasure requests for
the KSG staff who decide them."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from academy.roles import is_ksg_staff
from enrollments.models import Enrollment
from privacy import registry
from privacy.models import ErasureRequest

User = get_user_model()


def subject_data_of(user) -> dict:
    """Everything the portal holds about ``user``, built from the registry: one section per
    source, each with its rows (exported fields only) and the fields withheld and why."""
    sections = []
    for source in registry.active_sources():
        model = source.model_class()
        fields = [model._meta.get_field(name) for name in source.fields]
        rows = _rows(source.queryset(user), fields)
        sections.append(
            {
                "key": source.key,
                "title": str(source.title),
                "labels": {f.name: str(getattr(f, "verbose_name", f.name)) for f in fields},
                "withheld": {
                    name: {"label": _label(model, name), "why": str(why)}
                    for name, why in source.withheld.items()
                },
                "rows": [_row(obj, fields, user) for obj in rows],
            }
        )
    return {
        "exported_at": timezone.now(),
        "controller": _("Kenya School of Government (KSG Digital Academy)"),
        "sections": sections,
    }


def display_sections(data: dict) -> list[dict]:
    """The export's sections as the page shows them: each row a list of (label, text)."""
    shown = []
    for section in data["sections"]:
        labels = section["labels"]
        shown.append(
            {
                **section,
                "display_rows": [
                    [(labels[name], _text(value)) for name, value in row.items()]
                    for row in section["rows"]
                ],
            }
        )
    return shown


def erasure_requests_for(user, *, status: str | None = ErasureRequest.Status.PENDING) -> QuerySet:
    """Erasure requests KSG staff review (pending by default); anyone else gets a 404."""
    _staff_only(user)
    requests = ErasureRequest.objects.select_related("user", "user__officer_profile", "decided_by")
    if status:
        requests = requests.filter(status=status)
    return requests.order_by("created_at", "pk")


def erasure_request_for_staff(user, pk: int) -> ErasureRequest:
    """The pending request ``pk`` for a KSG staff decision; else a 404."""
    request = erasure_requests_for(user).filter(pk=pk).first()
    if request is None:
        raise Http404(_("There is no such pending request."))
    return request


def erasure_requests_of(user) -> QuerySet:
    """The person's own erasure requests, newest first."""
    return ErasureRequest.objects.filter(user=user).order_by("-created_at", "-pk")


def _staff_only(user) -> None:
    # A 404, not a 403: an outsider learns nothing about whether requests exist.
    if not is_ksg_staff(user):
        raise Http404


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field an optional app's newer version dropped
        return name


def _text(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    # The page shows dates and times as the rest of the portal does; the JSON download writes
    # them in ISO 8601 (DjangoJSONEncoder).
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, dt.date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder)
    return str(value)


def _rows(queryset: QuerySet, fields) -> QuerySet:
    related = []
    for f in fields:
        if f.many_to_one or f.one_to_one:
            if f.related_model is User:
                continue  # rendered from the id alone ("you" / "another person")
            related.append(f.name)
            if f.related_model is Enrollment:
                related.append(f"{f.name}__cohort")
    prefetch = [f.name for f in fields if f.many_to_many]
    return queryset.select_related(*related).prefetch_related(*prefetch)


def _row(obj, fields, subject) -> dict:
    return {f.name: _value(obj, f, subject) for f in fields}


def _value(obj, f, subject):
    if f.many_to_many:
        if f.related_model is User:
            return [
                _("you") if o.pk == subject.pk else _("another person")
                for o in getattr(obj, f.name).all()
            ]
        return [str(o) for o in getattr(obj, f.name).all()]
    if f.is_relation:
        related_id = getattr(obj, f.attname)
        if related_id is None:
            return None
        if f.related_model is User:
            return _("you") if related_id == subject.pk else _("another person")
        related = getattr(obj, f.name)
        if isinstance(related, Enrollment):
            return str(related.cohort)
        return str(related)
    value = getattr(obj, f.attname)
    if f.choices and value not in (None, ""):
        return str(getattr(obj, f"get_{f.name}_display")())
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    return value

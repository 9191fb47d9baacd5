"""Writing the audit trail. Services call ``audit_record`` inside their transaction."""

from django.contrib.contenttypes.models import ContentType

from academy.models import AuditEvent


def audit_record(*, actor, action: str, target=None, data: dict | None = None) -> AuditEvent:
    """Append one audit event: ``action`` is a dotted code such as ``courses.course.created``."""
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        data=data or {},
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(target.pk)
    event.save()
    return event

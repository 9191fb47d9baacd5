"""The API's error body, for the schema: one component that every endpoint refers to."""

from rest_framework import serializers


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField()


# A 400 that is a rule's refusal ({"code": ..., "detail": ...}), the field errors of a malformed
# body ({"score": ["Ensure this value is ..."]}) or a body that can't be parsed ({"detail": ...}):
# an endpoint that reads a body and then asks a service gives all three, and its schema must allow
# them (schemathesis found the others breaking a schema that promised only refusals).
REFUSAL_OR_FIELD_ERRORS = {
    "anyOf": [
        {
            "type": "object",
            "title": "Refusal",
            "properties": {
                "code": {"type": "string", "description": "Which rule refused it."},
                "detail": {"type": "string"},
            },
            "required": ["code", "detail"],
        },
        {
            "type": "object",
            "title": "Unreadable body",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        },
        {
            "type": "object",
            "title": "Field errors",
            "description": "Each field that is not valid, with what is wrong with it.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    ]
}

"""The API's error body, for the schema: one component that every endpoint refers to."""

from rest_framework import serializers


class ErrorOutput(serializers.Serializer):
    detail = serializers.CharField()

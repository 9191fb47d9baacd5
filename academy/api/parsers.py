"""DRF's JSON and form parsers, held to Django's DATA_UPLOAD_MAX_MEMORY_SIZE.

Django checks that limit when it reads ``request.body`` or ``request.POST``; DRF reads the body
as a stream and so skips the check: a 1 GB JSON body would be read whole. These refuse a body
over the limit, by its Content-Length, before reading it, with Django's own RequestDataTooBig,
which ``academy.views.bad_request`` answers with a JSON 400. (The multipart parser is Django's,
which checks the limit, the number of fields and the number of files itself.)
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers


def _check_length(parser_context) -> None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    request = (parser_context or {}).get("request")
    if limit is None or request is None:
        return
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        _check_length(parser_context)
        return super().parse(stream, media_type, parser_context)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        _check_length(parser_context)
        return super().parse(stream, media_type, parser_context)

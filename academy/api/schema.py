"""The API's OpenAPI description: the error answers every view can give, documented once.

It also marks the optional filters that take an empty value as "not given".

DRF answers 401 and 403 for any view that needs a signed-in caller (no or a bad token, a failed
CSRF check, a role check), 400 for malformed query parameters or bodies, 415 for a body in a
format it does not read, 404 for an object that is not there (or not the caller's) and for a
page past the end, 429 when a throttle says so.
A view documents its own meaning of these where it has one (``@extend_schema(responses=...)``);
this schema class adds the ones it left out, so that the published schema lists every status a
client can get (schemathesis checks this: ``tests/academy/test_api_fuzz.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import AllowAny

from academy.api.errors import ErrorOutput

# Query parameters that carry paging, not filters: an empty value there is an error.
PAGING_PARAMETERS = {"page", "page_size", "cursor"}


class AutoSchema(openapi.AutoSchema):
    def _get_parameters(self):
        """An optional filter sent empty (``?level=``, as an HTML form sends it) means "not
        given": the filters (django-filter, the reports' forms) skip empty values, and the
        schema says so with ``allowEmptyValue``. Repeated (array) filters are left out: an empty
        entry among their values is an error."""
        parameters = super()._get_parameters()
        for parameter in parameters:
            if (
                parameter.get("in") == "query"
                and not parameter.get("required")
                and parameter["name"] not in PAGING_PARAMETERS
                and parameter.get("schema", {}).get("type") != "array"
            ):
                parameter["allowEmptyValue"] = True
        return parameters

    # _get_response_bodies, not get_response_serializers: @extend_schema(responses=...)
    # replaces the latter on the view's own schema class.
    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for code, response in self._implied_errors().items():
            if str(code) not in bodies:
                bodies[str(code)] = self._get_response_for_code(response, str(code))
        return bodies

    def _implied_errors(self) -> dict:
        errors = {}
        paginated = self._is_list_view() and self._get_paginator() is not None
        takes_input = self.method in ("POST", "PUT", "PATCH") or (
            self._is_list_view() and (paginated or bool(self.get_filter_backends()))
        )
        if takes_input:
            errors[400] = OpenApiResponse(
                description=_("The request is malformed: field errors say which and why.")
            )
        if self.method in ("POST", "PUT", "PATCH"):
            errors[415] = OpenApiResponse(
                ErrorOutput, description=_("A body in a format the API does not read.")
            )
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            errors[401] = OpenApiResponse(ErrorOutput, description=_("Not signed in."))
            errors[403] = OpenApiResponse(
                ErrorOutput, description=_("Signed in without the right to this.")
            )
        if "{" in self.path or paginated:
            errors[404] = OpenApiResponse(
                ErrorOutput, description=_("No such object for you, or a page past the end.")
            )
        if self.view.get_throttles():
            errors[429] = OpenApiResponse(
                ErrorOutput, description=_("Too many requests: wait as Retry-After says.")
            )
        return errors

"""The bearer scheme in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "motcua.apiclients.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API token (`mc_` + 40 characters), created in the admin or with"
                " `manage.py create_api_token`. Personal tokens act as the staff member;"
                " client tokens act as the client's service user at its agency. Each token"
                " has scopes: dossiers:read, dossiers:write, uploads:write."
            ),
        }

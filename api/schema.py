"""The OpenAPI schema's shared parts: bearer keys, and the problem documents every operation may answer."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "properties": {
        "type": {"type": "string", "description": "about:blank: the status says what kind of problem."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "Validation problems only: each field's messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "retry_after": {"type": "integer", "description": "Rate-limit problems only: seconds to wait."},
    },
    "required": ["type", "title", "status", "detail"],
}
PROBLEMS = {
    "400": "The request's data or query string is not valid.",
    "401": "No API key, or one that is not valid or revoked.",
    "403": "The key does not have the scope this operation needs.",
    "404": "Nothing with this id in the key's organisation.",
    "406": "The client accepts no JSON.",
    "415": "The body is not JSON.",
    "429": "Over the key's rate limit: wait `Retry-After` seconds.",
}
METHODS = ("get", "post", "put", "patch", "delete")


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key created by HR (Security › API keys): `Authorization: Bearer bnm_…`.",
        }


def add_problem_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: every operation documents its problem responses."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components.setdefault("responses", {}).update(
        {
            f"Problem{code}": {
                "description": description,
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
            for code, description in PROBLEMS.items()
        }
    )
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code in PROBLEMS:
                if code == "415" and method == "get":
                    continue
                responses.setdefault(code, {"$ref": f"#/components/responses/Problem{code}"})
    return result

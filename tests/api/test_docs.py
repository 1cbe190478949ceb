"""The OpenAPI schema and its documentation pages, served from our own origin under the strict CSP."""

import re

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_and_documents_problems(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["apiKey"]["description"],
    }
    operation = schema["paths"]["/api/v1/participants/"]["get"]
    assert {"400", "401", "403", "404", "429"} <= set(operation["responses"])


def test_the_docs_page_loads_nothing_from_another_origin(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/") for source in sources), sources
    assert "<script>" not in html and "<style>" not in html  # the CSP would refuse inline code


def test_swagger_uis_script_is_served_apart(client):
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert "SwaggerUIBundle" in response.content.decode()

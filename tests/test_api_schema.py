"""The OpenAPI schema is valid and complete, and its documentation works without the internet."""

import re

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_validates_with_no_warning(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    paths = set(schema["paths"])
    for resource in ("mechanisms", "meetings", "documents", "states", "organizations", "themes", "regions",
                     "editions"):
        assert f"/api/v1/{resource}/" in paths
    for path, operations in schema["paths"].items():
        assert set(operations) <= {"get", "parameters"}, f"{path} allows writing"


def test_the_schema_documents_every_filter(api):
    schema = yaml.safe_load(api.get("/api/v1/schema/").content)
    parameters = {p["name"] for p in schema["paths"]["/api/v1/mechanisms/"]["get"]["parameters"]}
    assert {"kind", "governance", "region", "status", "theme", "participant", "role", "founded_after",
            "founded_before", "q", "active_in", "ordering", "page", "page_size"} <= parameters


def test_the_interactive_docs_load_nothing_from_the_internet(api):
    page = api.get("/api/v1/docs/").content.decode()
    assert "swagger" in page.lower()
    external = [url for url in re.findall(r'(?:src|href)="([^"]+)"', page) if url.startswith(("http:", "https:", "//"))]
    assert external == []

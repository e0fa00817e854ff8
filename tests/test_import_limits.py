"""Bounded imports: a zip bomb, a flood of entries or a deeply nested YAML is refused, naming the limit,
before it is read into memory."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.dataset.importer import DatasetError, import_dataset, read_folder
from apps.mechanisms.models import Mechanism

from .test_workflow_gate import member_of

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


@pytest.fixture
def editor_client(django_user_model):
    client = Client()
    client.force_login(member_of(django_user_model, "bulk-editor", "curator", "editor"))
    return client


def bomb(megabytes=200):
    """A small zip holding ``megabytes`` MiB of YAML: one comment line repeated, written piece by piece."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("mechanisms/bomb.yaml", "w") as member:
            line = b"# " + b"x" * 1021 + b"\n"
            for _ in range(megabytes):
                member.write(line * 1024)
    return buffer.getvalue()


def post(client, name, data):
    return client.post("/admin/bulk-import/", {"file": SimpleUploadedFile(name, data), "reason": "r",
                                               "step": "preview"})


def test_the_410_kb_zip_bomb_is_refused_without_being_decompressed(editor_client):
    data = bomb()
    assert len(data) < 450 * 1024  # the probe's bomb: about 410 KB for 200 MiB
    tracemalloc.start()
    try:
        response = post(editor_client, "bomb.zip", data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    page = response.content.decode()
    assert response.status_code == 200
    assert "bomb.zip: mechanisms/bomb.yaml: refused: 200 MiB once decompressed; the limit is 8 MiB per file" in page
    assert peak < 20 * MIB, f"{peak / MIB:.0f} MiB held while refusing"


def test_many_files_each_under_the_limit_are_refused_past_the_total(editor_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number in range(20):
            with archive.open(f"mechanisms/part-{number}.yaml", "w") as member:
                for _ in range(7):
                    member.write(b"#" * (MIB - 1) + b"\n")
    page = post(editor_client, "parts.zip", buffer.getvalue()).content.decode()
    assert "parts.zip: refused: 140 MiB once decompressed; the limit is 128 MiB in all" in page


def test_a_zip_of_too_many_entries_is_refused(editor_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(5001):
            archive.writestr(f"mechanisms/m{number}.yaml", "")
    page = post(editor_client, "flood.zip", buffer.getvalue()).content.decode()
    assert "flood.zip: refused: holds 5001 entries; the limit is 5000 entries" in page


def test_yaml_nested_past_the_limit_is_refused_before_it_is_parsed(editor_client):
    deep = "slug: deep\nthemes: " + "[" * 5000 + "]" * 5000 + "\n"
    page = post(editor_client, "deep.yaml", deep.encode()).content.decode()
    assert "deep.yaml: refused: nested more than 20 levels deep; the limit is 20" in page
    with pytest.raises(DatasetError, match="nested more than 20 levels deep"):
        import_dataset({"mechanisms/deep.yaml": deep})
    assert not Mechanism.objects.filter(slug="deep").exists()


def test_a_folder_with_a_file_past_the_limit_is_refused_before_reading(tmp_path):
    (tmp_path / "mechanisms").mkdir()
    with open(tmp_path / "mechanisms" / "huge.yaml", "wb") as file:
        file.truncate(9 * MIB)  # sparse: no memory, no disk
    with pytest.raises(DatasetError, match=r"mechanisms/huge.yaml: refused: 9 MiB; the limit is 8 MiB per file"):
        read_folder(tmp_path)

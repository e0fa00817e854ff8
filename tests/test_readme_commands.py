"""The README's commands run as written in a checkout that `make run` has set up, with nothing exported.

A copy of the checkout is laid out as `make run` leaves it (`make setup`: var/local.env, the migrated
SQLite database in var/, the dataset and the 2013 snapshot loaded; the project's .venv shared), and
three commands are copied from the README and run there in a subprocess whose environment says nothing
of DEBUG, SECRET_KEY or the database. Production stays strict: with DEBUG off there is no default key.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "var", "test-artifacts", "__pycache__", "*.egg-info", "node_modules")
# What a person's shell has: none of the settings `make` or the test run would pass.
SETTINGS = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DATABASE_REPLICA_URL", "SECURE_SSL_REDIRECT",
            "DJANGO_SETTINGS_MODULE", "REDIS_URL"}


def readme_command(prefix):
    """The first line of the README's code that starts with ``prefix``."""
    for line in (ROOT / "README.md").read_text().splitlines():
        if line.startswith(prefix):
            return line
    raise AssertionError(f"the README no longer shows {prefix!r}")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    folder = tmp_path_factory.mktemp("checkout") / "rcp"
    shutil.copytree(ROOT, folder, ignore=LEFT_OUT)
    (folder / ".venv").symlink_to(ROOT / ".venv")
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    # `make setup` is `make run` without the server; the shared .venv is installed already (-o: not redone).
    subprocess.run(["make", "-o", ".venv/.installed", "setup"], cwd=folder, env=env, check=True,
                   capture_output=True, text=True, timeout=600)
    return folder, env


def run(command, checkout):
    folder, env = checkout
    return subprocess.run(command, shell=True, cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def test_make_run_writes_local_settings_for_development_only(checkout):
    folder, _ = checkout
    local = (folder / "var" / "local.env").read_text().splitlines()
    assert local[0] == "DEBUG=1" and re.fullmatch(r"SECRET_KEY=\S{50,}", local[1])


@pytest.mark.parametrize(("prefix", "replacements"), [
    (".venv/bin/python manage.py snapshot verify", {}),
    (".venv/bin/python manage.py export_dataset ", {"/some/folder": "var/exported"}),
    (".venv/bin/python manage.py import_dataset ", {"NAME": "curator", "[--dry-run]": "--dry-run"}),
    (".venv/bin/python manage.py edition start ", {"NAME": "curator", '"..."': '"The 2026 review"',
                                                   "[--cut-off 2026-06-30]": "--cut-off 2026-06-30"}),
])
def test_a_readme_command_runs_as_written(checkout, prefix, replacements):
    command = readme_command(prefix)
    for placeholder, value in replacements.items():
        command = command.replace(placeholder, value)
    result = run(command, checkout)
    assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    assert "ImproperlyConfigured" not in result.stderr


def test_with_debug_off_the_local_file_is_not_read_and_a_secret_key_is_required(checkout):
    result = run("DEBUG=0 .venv/bin/python manage.py snapshot verify", checkout)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment when DEBUG is off" in result.stderr

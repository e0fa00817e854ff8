"""The downloads of a snapshot: canonical JSON, the dataset's YAML, a Frictionless Data Package, and a
printable review report that regenerates the review's annexes from the data."""

import io
import zipfile
from dataclasses import dataclass

from django.template.loader import render_to_string

from apps.dataset.exporter import dataset_files

from . import report, research, snapshots
from .datapackage import package_files


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    data: bytes


# A zip's entries carry a timestamp; a fixed one makes the same snapshot always give the same bytes.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def _zip(files, folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            data = files[name]
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


def as_json(snapshot):
    return Export(f"{snapshot.slug}.json", "application/json", snapshots.content_bytes(snapshot))


def as_yaml(snapshot):
    """The dataset format, importable into an empty database (manage.py import_dataset)."""
    files = dataset_files(snapshots.content(snapshot))
    return Export(f"{snapshot.slug}-yaml.zip", "application/zip", _zip(files, snapshot.slug))


def as_datapackage(snapshot):
    files = package_files(
        snapshots.content(snapshot), name=f"rcp-{snapshot.slug}", title=snapshot.title,
        version=snapshot.created_at.strftime("%Y.%m.%d"), checksum=snapshot.checksum, year=snapshot.edition.year,
    )
    return Export(f"{snapshot.slug}-datapackage.zip", "application/zip", _zip(files, snapshot.slug))


def as_report(snapshot):
    html = render_to_string("reviews/report.html", report.context(snapshot))
    return Export(f"{snapshot.slug}-report.html", "text/html; charset=utf-8", html.encode("utf-8"))


def as_panel(snapshot):
    """The state–mechanism–year panel (CoW IGO codes) up to the year of the snapshot's edition."""
    data = research.panel_csv(snapshots.content(snapshot), snapshot.edition.year)
    return Export(f"{snapshot.slug}-panel.csv", "text/csv; charset=utf-8", data)


def as_panel_codebook(snapshot):
    return Export(f"{snapshot.slug}-panel-codebook.md", "text/markdown; charset=utf-8",
                  research.CODEBOOK.encode("utf-8"))


def as_popolo(snapshot):
    return Export(f"{snapshot.slug}-popolo.json", "application/json",
                  research.popolo_json(snapshots.content(snapshot)))


FORMATS = {"json": as_json, "yaml": as_yaml, "datapackage": as_datapackage, "report": as_report,
           "panel": as_panel, "panel-codebook": as_panel_codebook, "popolo": as_popolo}


def export(snapshot, format_name):
    return FORMATS[format_name](snapshot)

"""Write the database out in the dataset format (docs/dataset-format.md).

The output is canonical: records in a fixed order, keys in the documented order, every key present.
Importing an export into an empty database and exporting again gives the same bytes. Private curation
fields (curator notes, verification dates, workflow state) are not part of the dataset and are never
written.
"""

from pathlib import Path

from . import yaml_format as fmt
from .assembly import Assembly


def dataset_files(dataset):
    """Render a dataset ({'regions': [...], …, 'mechanisms': [...]}) as {relative file name: YAML text}."""
    files = {
        fmt.REGIONS_FILE: fmt.dump(dataset["regions"], fmt.HEADERS[fmt.REGIONS_FILE]),
        fmt.THEMES_FILE: fmt.dump(dataset["themes"], fmt.HEADERS[fmt.THEMES_FILE]),
        fmt.EDITIONS_FILE: fmt.dump(dataset["editions"], fmt.HEADERS[fmt.EDITIONS_FILE]),
        fmt.STATES_FILE: fmt.dump(dataset["states"], fmt.HEADERS[fmt.STATES_FILE]),
        fmt.ORGANIZATIONS_FILE: fmt.dump(dataset["organizations"], fmt.HEADERS[fmt.ORGANIZATIONS_FILE]),
    }
    if "sources" in dataset:  # a snapshot made before sources had a file of their own holds none
        files[fmt.SOURCES_FILE] = fmt.dump(dataset["sources"], fmt.HEADERS[fmt.SOURCES_FILE])
    for mechanism in dataset["mechanisms"]:
        files[f"{fmt.MECHANISMS_DIR}/{mechanism['slug']}.yaml"] = fmt.dump(mechanism)
    return files


def export_files():
    """The whole curated dataset (drafts included: this is the curators' copy) as {file name: YAML}."""
    assembly = Assembly(public_only=False, all_reference=True)
    mechanisms = list(assembly.mechanism_records())
    return dataset_files({
        "regions": assembly.region_records(), "themes": assembly.theme_records(),
        "editions": assembly.edition_records(), "organizations": assembly.organization_records(),
        "states": assembly.state_records(), "mechanisms": mechanisms, "sources": assembly.source_records(),
    })


def write_folder(path, files=None):
    """Write ``files`` (by default the whole dataset) under ``path``; return the number of files."""
    root = Path(path)
    (root / fmt.MECHANISMS_DIR).mkdir(parents=True, exist_ok=True)
    files = export_files() if files is None else files
    for stale in (root / fmt.MECHANISMS_DIR).glob("*.yaml"):
        if f"{fmt.MECHANISMS_DIR}/{stale.name}" not in files:
            stale.unlink()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return len(files)

"""Bounded reading of dataset files: an upload or a folder is measured before it is read.

A zip is read member by member in small pieces, counting the bytes actually decompressed (a
member's declared size can lie), so an archive that would expand past a limit is refused having held
at most one piece in memory. Each YAML text is then scanned event by event for its nesting depth
before it is parsed into objects. Every refusal names the limit it hit. The limits are settings
(``DATASET_IMPORT_LIMITS``).
"""

import zipfile
import zlib
from dataclasses import dataclass

import yaml
from django.conf import settings

from .errors import DatasetError

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    files: int
    file_bytes: int
    total_bytes: int
    depth: int

    @classmethod
    def configured(cls):
        return cls(**settings.DATASET_IMPORT_LIMITS)


def _mib(count):
    return f"{count / (1024 * 1024):g} MiB"


def _refuse(name, message):
    raise DatasetError([f"{name}: refused: {message}"])


def read_zip(fileobj, name, limits=None):
    """{member name: text} of the .yaml members of a zip file object, within the limits."""
    limits = limits or Limits.configured()
    try:
        archive = zipfile.ZipFile(fileobj)
    except zipfile.BadZipFile:
        raise DatasetError([f"{name}: not a readable zip file"]) from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.files:
            _refuse(name, f"holds {len(members)} entries; the limit is {limits.files} entries")
        wanted = [info for info in members if not info.is_dir() and info.filename.endswith(".yaml")]
        declared = 0
        for info in wanted:
            if info.file_size > limits.file_bytes:
                _refuse(f"{name}: {info.filename}", f"{_mib(info.file_size)} once decompressed; the limit is "
                                                    f"{_mib(limits.file_bytes)} per file")
            declared += info.file_size
        if declared > limits.total_bytes:
            _refuse(name, f"{_mib(declared)} once decompressed; the limit is {_mib(limits.total_bytes)} in all")
        files, total = {}, 0
        for info in wanted:
            pieces, size = [], 0
            try:
                with archive.open(info) as member:
                    while piece := member.read(CHUNK):
                        size, total = size + len(piece), total + len(piece)
                        if size > limits.file_bytes:
                            _refuse(f"{name}: {info.filename}", f"more than {_mib(limits.file_bytes)} once "
                                                                "decompressed; the limit per file")
                        if total > limits.total_bytes:
                            _refuse(name, f"more than {_mib(limits.total_bytes)} once decompressed; the limit "
                                          "in all")
                        pieces.append(piece)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
                raise DatasetError([f"{name}: {info.filename}: not readable ({error})"]) from None
            files[info.filename] = _decoded(info.filename, b"".join(pieces))
    return files


def _decoded(name, data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise DatasetError([f"{name}: not UTF-8 text"]) from None


def check_sizes(sizes, limits=None):
    """Refuse a set of files ({name: bytes}) past the limits, before any is read."""
    limits = limits or Limits.configured()
    if len(sizes) > limits.files:
        _refuse("the dataset", f"{len(sizes)} files; the limit is {limits.files} files")
    for name, size in sizes.items():
        if size > limits.file_bytes:
            _refuse(name, f"{_mib(size)}; the limit is {_mib(limits.file_bytes)} per file")
    total = sum(sizes.values())
    if total > limits.total_bytes:
        _refuse("the dataset", f"{_mib(total)} of files; the limit is {_mib(limits.total_bytes)} in all")


# libyaml's parser when installed: it reads the events fifty times faster than the pure-Python one. A text
# libyaml refuses (libyaml stops at its own nesting limit, reading ahead) is scanned again by the other.
_EVENT_LOADERS = (*((yaml.CSafeLoader,) if hasattr(yaml, "CSafeLoader") else ()), yaml.SafeLoader)


def nesting_problem(name, text, limits=None):
    """A message when ``text`` nests mappings and lists deeper than the limit (scanned, not parsed)."""
    limits = limits or Limits.configured()
    for loader in _EVENT_LOADERS:
        depth = 0
        try:
            for event in yaml.parse(text, Loader=loader):
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > limits.depth:
                        return (f"{name}: refused: nested more than {limits.depth} levels deep; the limit is "
                                f"{limits.depth}")
                elif isinstance(event, yaml.CollectionEndEvent):
                    depth -= 1
        except yaml.YAMLError:
            continue
        return None
    return None  # reported as broken YAML by the parser, with its position

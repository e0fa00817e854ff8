"""A snapshot's data package loaded into one SQLite file for Datasette: python datasette_db.py PACKAGE_DIR OUT.db

Standard library only (csv and sqlite3), read from datapackage.json's Table Schemas, rather than sqlite-utils:
the schema already says every column's type, primary key and foreign keys, so nothing is guessed and the
peer gets the same keys and indexes the site's database has, with no package beyond Datasette itself.

How cells become values:
- a column the schema types "integer" holds integers; an empty cell in it, or in a foreign-key column, is
  NULL (a missing value: the schema's missingValues is [""]), so that joins and numbers behave;
- any other empty cell stays "": the project stores blank text as "" and its API shows it so;
- the one apostrophe the package puts before text a spreadsheet would run as a formula is dropped, as the
  package's description says to do, so the text is the one recorded.
Every foreign-key column is indexed (Django indexes each foreign key), and meetings.start as well (the site
indexes meetings by their earliest start date, which the meetings list filters on).
"""

import csv
import json
import sqlite3
import sys
from pathlib import Path

# The starts apps/dataset/datapackage.py (FORMULA_STARTS) neutralises with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXTRA_INDEXES = [("meetings", "start")]


def _value(cell, kind, nullable):
    if cell == "":
        return None if nullable or kind == "integer" else ""
    if kind == "integer":
        return int(cell)
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def load(package, database):
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database)
    for resource in descriptor["resources"]:
        schema = resource.get("schema")
        if resource.get("format") != "csv" or not schema:
            continue
        table, fields = resource["name"], schema["fields"]
        foreign = {name for key in schema.get("foreignKeys", ()) for name in key["fields"]}
        columns = ", ".join(f'"{f["name"]}" {"INTEGER" if f["type"] == "integer" else "TEXT"}' for f in fields)
        primary = ", ".join(f'"{name}"' for name in schema["primaryKey"])
        connection.execute(f'CREATE TABLE "{table}" ({columns}, PRIMARY KEY ({primary}))')
        with open(package / resource["path"], newline="", encoding="utf-8") as file:
            reader = csv.reader(file)
            header = next(reader)
            assert header == [f["name"] for f in fields], (table, header)
            kinds = [(f["type"], f["name"] in foreign) for f in fields]
            rows = ([_value(cell, kind, nullable) for cell, (kind, nullable) in zip(row, kinds, strict=True)]
                    for row in reader)
            connection.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(fields))})', rows)
        for name in sorted(foreign | {column for owner, column in EXTRA_INDEXES if owner == table}):
            connection.execute(f'CREATE INDEX "{table}_{name}" ON "{table}" ("{name}")')
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()


if __name__ == "__main__":
    load(Path(sys.argv[1]), Path(sys.argv[2]))

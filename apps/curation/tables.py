"""A list as the public pages show it, as a table to download: named columns read from each record.

A feature app declares the table of each of its lists (``tables.py``); the page and the API build the
same CSV or JSON from it, so a download holds exactly the rows, in the order, that the page shows.
"""

import json
from dataclasses import dataclass

from django.http import HttpResponse, HttpResponseBadRequest

from .csv_safety import csv_bytes

DOWNLOAD_FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Column:
    name: str
    value: object  # record -> the cell's value (a string or a number)


class Table:
    def __init__(self, *columns):
        self.columns = columns

    @property
    def names(self):
        return [column.name for column in self.columns]

    def rows(self, records):
        return [{column.name: column.value(record) for column in self.columns} for record in records]

    def csv(self, records):
        return csv_bytes(self.names, self.rows(records))

    def json(self, records):
        return (json.dumps(self.rows(records), ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    def download(self, records, name, file_format):
        """The response that downloads ``records`` as ``name``.csv or ``name``.json; any other format is a 400."""
        if file_format not in DOWNLOAD_FORMATS:
            return HttpResponseBadRequest(f"'{file_format[:20]}' is not a download format: choose 'csv' or 'json'.",
                                          content_type="text/plain; charset=utf-8")
        if file_format == "csv":
            response = HttpResponse(self.csv(records), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(self.json(records), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
        return response


"""CSV that is safe to open in a spreadsheet: UTF-8, a header row, and no cell a spreadsheet would run.

A cell whose text starts with '=', '+', '-', '@', a tab or a carriage return is read by spreadsheet
programs as a formula (CSV injection); such a cell is written with a single quote before it, which the
spreadsheet shows as text. Numbers are written as they are: -9 stays a number.
"""

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` as a CSV cell that no spreadsheet evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(fieldnames, rows):
    """UTF-8 CSV of ``rows`` (dicts) with a header row of ``fieldnames``, every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(fieldnames)
    for row in rows:
        writer.writerow([neutralise(row.get(name, "")) for name in fieldnames])
    return buffer.getvalue().encode("utf-8")

"""Every table as CSV (UTF-8 with a byte-order mark, so that Excel reads the Chinese) or XLSX.

The API's own renderers: `?format=csv` or `?format=xlsx` on a table endpoint. A view
says which rows make its table through `export_rows(data)`; nested objects become
dotted columns (`department.code`).
"""

import csv
import io

from django.utils import timezone
from openpyxl import Workbook
from rest_framework.renderers import BaseRenderer


def flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        elif isinstance(value, list):
            flat[f"{prefix}{key}"] = "; ".join(str(v) for v in value)
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def table(rows: list[dict]) -> tuple[list[str], list[list]]:
    """Column names (in the order first seen) and the rows as lists."""
    flat = [flatten(row) for row in rows]
    columns = list(dict.fromkeys(key for row in flat for key in row))
    return columns, [[row.get(column) for column in columns] for row in flat]


def csv_bytes(rows: list[dict]) -> bytes:
    columns, values = table(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in values)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[dict], title: str) -> bytes:
    columns, values = table(rows)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(columns)
    for row in values:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class _TableRenderer(BaseRenderer):
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}  # never an error: those are JSON (core.api.exceptions)
        view, response = context.get("view"), context.get("response")
        rows = view.export_rows(data) if hasattr(view, "export_rows") else [data]
        name = getattr(view, "export_name", "table")
        if response is not None:
            stamp = timezone.localdate().isoformat()
            response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{self.format}"'
        return self.encode(rows, name)


class CSVRenderer(_TableRenderer):
    media_type = "text/csv"
    format = "csv"

    def encode(self, rows, name):
        return csv_bytes(rows)


class XLSXRenderer(_TableRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"

    def encode(self, rows, name):
        return xlsx_bytes(rows, name)

"""The API's JSON comes out exactly as DRF's own renderer would write it, only faster."""

import datetime
import decimal

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from apps.core.api.renderers import FastJSONRenderer

SAMPLE = {
    "name": "食品经营许可", "lazy": gettext_lazy("English"), "fee": decimal.Decimal("10.50"),
    "at": datetime.datetime(2026, 11, 26, 9, 30, tzinfo=datetime.UTC), "day": datetime.date(2026, 11, 26),
    "line": "a\u2028b\u2029c", "nested": [{"n": 1, "ok": True, "none": None, "x": 0.1}], "notices": {},
}


def test_the_same_bytes_as_drfs_renderer():
    assert FastJSONRenderer().render(SAMPLE) == JSONRenderer().render(SAMPLE)


def test_an_integer_orjson_cannot_hold_is_still_rendered():
    data = {"form_data": {"huge": 10**30}}
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data) == b'{"form_data":{"huge":' + \
        str(10**30).encode() + b"}}"


def test_indented_output_on_request():
    rendered = FastJSONRenderer().render({"a": 1}, "application/json; indent=2")
    assert rendered == b'{\n  "a": 1\n}'


def test_nothing_for_no_content():
    assert FastJSONRenderer().render(None) == b""

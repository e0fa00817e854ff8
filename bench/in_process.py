"""In-process measurements for bench.py, on the database DATABASE_URL names; prints JSON.

- the SQL queries each benchmarked endpoint makes (server-side cache off: the view runs);
- whether the baseline app builds the same JSON as the API;
- a 304: its queries and the serializer and renderer calls it makes (there must be none);
- a pyinstrument profile of the mechanisms list.
"""

import json
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["BASELINE_DATABASE_URL"] = os.environ["DATABASE_URL"]
os.environ["SERVER_CACHE_TIMEOUT"] = "0"

import django  # noqa: E402

django.setup()

import baseline  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from rest_framework import renderers, serializers  # noqa: E402

from bench import ENDPOINTS  # noqa: E402

client = Client(HTTP_HOST="127.0.0.1")
result = {"queries": {}, "same_json": {}}
for _, path in ENDPOINTS:
    client.get(path)  # a process's first request of a kind fills caches (content types): count the next one
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    result["queries"][path] = len(captured)
    parts = urlsplit(path)
    raw = json.loads(json.dumps(baseline.respond(parts.path, parse_qs(parts.query), "http://127.0.0.1")))
    result["same_json"][path] = raw == response.json()

calls = []
for owner, name in ((serializers.Serializer, "to_representation"), (serializers.ListSerializer, "to_representation"),
                    (renderers.JSONRenderer, "render")):
    original = getattr(owner, name)

    def counting(self, *args, _original=original, **kwargs):
        calls.append(1)
        return _original(self, *args, **kwargs)

    setattr(owner, name, counting)
path = ENDPOINTS[2][1]
etag = client.get(path)["ETag"]
calls.clear()
with CaptureQueriesContext(connection) as captured:
    response = client.get(path, HTTP_IF_NONE_MATCH=etag)
assert response.status_code == 304, response.status_code
result["not_modified"] = {"queries": len(captured), "serializer_calls": len(calls), "bytes": len(response.content)}
for owner, name in ((serializers.Serializer, "to_representation"), (serializers.ListSerializer, "to_representation"),
                    (renderers.JSONRenderer, "render")):
    setattr(owner, name, getattr(owner, name).__kwdefaults__["_original"])

profiler = Profiler(interval=0.0005)
profiler.start()
for _ in range(5):
    client.get(path)
profiler.stop()
result["profile"] = profiler.output_text(unicode=False, color=False, show_all=False)
print(json.dumps(result))

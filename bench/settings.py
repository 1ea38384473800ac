"""The project's settings plus the floor views of the load benchmark (bench/load.py); never used in production.

Two switches let one run compare the alternatives the project chose between:
BENCH_RENDERER=drf serves JSON with DRF's own renderer instead of the orjson one;
BENCH_DB_POOL=1 uses Django's psycopg connection pool instead of persistent connections.
"""

import os

from govservice.settings import *  # noqa: F403
from govservice.settings import DATABASES, REST_FRAMEWORK

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_RENDERER") == "drf":
    REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]}
if os.environ.get("BENCH_DB_POOL") == "1":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 4}

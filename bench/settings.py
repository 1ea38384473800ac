"""The project's settings plus the floor views of the load benchmark (bench/load.py); never used in production."""

from govservice.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

from tests.applications.conftest import *  # noqa: F403  the same small district

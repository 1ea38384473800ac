from tests.applications.conftest import *  # noqa: F403  the small district of the application tests

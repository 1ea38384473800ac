from tests.analytics.conftest import *  # noqa: F403  the hand-computed history

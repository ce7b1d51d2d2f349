from __future__ import annotations

import pytest

from tests.realparts import jobs_redis_url, own_redis, smtp_server  # noqa: F401


@pytest.fixture
def app_config(app_config, smtp_server):  # noqa: F811
    """The app emails through the test's SMTP server; links start with the test client's
    address, so a link read from a message opens in the test client."""
    return {
        **app_config,
        **smtp_server.config,
        "BASE_URL": "http://localhost",
        "MAIL_RETRY_SECONDS": 1,
    }

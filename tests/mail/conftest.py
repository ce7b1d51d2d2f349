from __future__ import annotations

import pytest

from tests.realparts import jobs_redis_url, own_redis, smtp_server  # noqa: F401


@pytest.fixture
def app_config(app_config, smtp_server):  # noqa: F811
    """The app talks to the test's SMTP server; retries come after a second, not a minute."""
    return {**app_config, **smtp_server.config, "MAIL_RETRY_SECONDS": 1}

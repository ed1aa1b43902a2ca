import pytest

from .common import Target, target_from_env


@pytest.fixture(scope="session")
def target(request):
    """The server under test: EMOWATEN_RELIABILITY_URL when set (long runs against a
    server you started), otherwise the session's demo server."""
    explicit = target_from_env()
    if explicit:
        return explicit
    server = request.getfixturevalue("demo_server")
    return Target(server.url, server.db)


@pytest.fixture(scope="session")
def relaxed_throttle(target):
    """The portal throttles by IP; every fuzz request comes from 127.0.0.1."""
    keys = {
        "emowaten_portal.intake_ip_limit": 10**9,
        "emowaten_portal.intake_cin_limit": 10**9,
        "emowaten_portal.track_ip_limit": 10**9,
    }
    admin = target.admin()
    old = {key: admin.call("ir.config_parameter", "get_param", key) for key in keys}
    target.set_params(keys)
    yield
    target.set_params({key: value or "" for key, value in old.items() if value})

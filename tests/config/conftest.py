import importlib
import socket
import sys

import pytest

from config.settings import base


@pytest.fixture
def closed_port() -> int:
    """A local TCP port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def production(monkeypatch):
    """The production settings module itself (imported with a secret key), to apply its values in a test."""
    monkeypatch.setattr(base, "SECRET_KEY", "production-like-key-for-tests-0123456789abcdefghij")
    monkeypatch.delenv("SECURE_SSL_REDIRECT", raising=False)
    sys.modules.pop("config.settings.production", None)
    yield importlib.import_module("config.settings.production")
    sys.modules.pop("config.settings.production", None)

"""A broker a test may break: a private redis-server on a free port, and this process's Celery pointed at it.

Never the shared Redis: the test stops and starts its own server, and nobody else's queue is on it.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
import time

import pytest

from mentoring.celery import app

from .smtp import free_port


class PrivateRedis:
    def __init__(self):
        self.server = shutil.which("redis-server")
        if not self.server:
            pytest.skip("redis-server is not installed")
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        import redis

        self.process = subprocess.Popen(
            [
                self.server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return self
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        pytest.fail("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class SilentBroker:
    """A TCP port that accepts connections and never answers: a hung Redis."""

    def __init__(self):
        self.port = free_port()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.2)
        self._held = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._hold, daemon=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _hold(self):
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                self._held.append(self._listener.accept()[0])

    def __enter__(self) -> SilentBroker:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        for held in self._held:
            held.close()
        self._listener.close()


@contextlib.contextmanager
def publishing_to(url: str):
    """This process's tasks are published to ``url`` (not run eagerly) inside the block."""
    saved = {name: app.conf[name] for name in ("broker_url", "task_always_eager")}
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    _forget_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        _forget_connections()


def _forget_connections():
    # What Celery does after a fork: the next publish opens a connection to the broker now configured.
    app._pool = None
    with contextlib.suppress(AttributeError, KeyError):
        app.__dict__["amqp"]._producer_pool = None

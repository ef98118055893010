"""Helpers shared by the tests that start real servers (redis-server, PostgreSQL, the API)
on loopback: a free port, waiting for a port to accept connections, a Redis process."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

REDIS = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> bool:
    """True once 127.0.0.1:port accepts a connection, False after ``timeout`` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


@contextmanager
def redis_server() -> Iterator[tuple[subprocess.Popen, str]]:
    """A throw-away redis-server on a free port: (process, redis:// URL)."""
    if REDIS is None:
        raise RuntimeError("redis-server is not installed (scripts/setup.sh --dev installs it)")
    port = free_port()
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_for_port(port):
            raise RuntimeError(f"redis-server did not start on port {port}")
        yield proc, f"redis://127.0.0.1:{port}/0"
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(10)

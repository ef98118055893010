"""A real PostgreSQL 15 server for tests (Debian's ``postgresql`` package, which
``scripts/setup.sh --dev`` installs), in a temporary folder on a free port.

initdb and postgres refuse to run as root; the tests often do (CI containers, fresh
Debian machines), so as root the server runs as the ``postgres`` user the Debian
package creates, in a folder owned by that user. Missing binaries skip the tests with
the reason, except under CI (``CI=true``), where they fail: CI must run them.

A plain module (no fixtures): tests/service/conftest.py and tests/deploy use it.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from local_servers import free_port as _free_port


def _pg_bin() -> Path:
    """PostgreSQL 15 (Debian bookworm), else the newest installed; PG_TEST_BIN overrides."""
    if os.environ.get("PG_TEST_BIN"):
        return Path(os.environ["PG_TEST_BIN"])
    preferred = Path("/usr/lib/postgresql/15/bin")
    if preferred.is_dir():
        return preferred
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                   key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return found[-1] if found else preferred


PG_BIN = _pg_bin()
SUPERUSER = "kratuve_test"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run the PostgreSQL tests")
    pytest.skip(reason)


@dataclass
class PgServer:
    root: Path
    port: int
    password: str
    run_as: list[str]
    log: Path

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, prefix: str = "kratuve") -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"{prefix}_{secrets.token_hex(4)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self.run_as, str(PG_BIN / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate",
                        "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer:
    """initdb + pg_ctl start on 127.0.0.1:<free port>, socket in the server's own folder.

    Skips (fails under CI) when PostgreSQL is missing or cannot run here."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / tool).is_file():
            _unavailable(f"PostgreSQL is not installed ({PG_BIN / tool} missing; "
                         "scripts/setup.sh --dev installs the 'postgresql' package)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[dev]' or '.[postgres]')")
    run_as: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root, and initdb refuses root; no 'postgres' user to run it as "
                         "(the Debian package creates one)")
        runuser = shutil.which("runuser") or shutil.which("setpriv")
        if runuser is None:
            _unavailable("running as root without runuser/setpriv to start PostgreSQL as 'postgres'")
        run_as = ([runuser, "-u", "postgres", "--"] if runuser.endswith("runuser") else
                  [runuser, f"--reuid={owner.pw_uid}", f"--regid={owner.pw_gid}", "--clear-groups"])
    # Not under pytest's tmp_path: /tmp/pytest-of-root is closed to other users.
    root = Path(tempfile.mkdtemp(prefix="kratuve-pg-"))
    password = secrets.token_urlsafe(16)
    (root / "pwfile").write_text(password + "\n")
    (root / "sock").mkdir()
    if owner is not None:
        for path in (root, root / "pwfile", root / "sock"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    log = root / "server.log"
    init = subprocess.run(
        [*run_as, str(PG_BIN / "initdb"), "-D", str(root / "data"), "-U", SUPERUSER, f"--pwfile={root / 'pwfile'}",
         "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        capture_output=True, text=True, timeout=120)
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"initdb failed:\n{init.stdout}\n{init.stderr}")
    for _ in range(5):
        port = _free_port()
        options = (f"-p {port} -k {root / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        start = subprocess.run(
            [*run_as, str(PG_BIN / "pg_ctl"), "-D", str(root / "data"), "-l", str(log), "-o", options, "-w",
             "-t", "60", "start"], capture_output=True, text=True, timeout=120)
        if start.returncode == 0:
            server = PgServer(root, port, password, run_as, log)
            _wait_ready(server)
            return server
    text = log.read_text(errors="replace") if log.exists() else ""
    shutil.rmtree(root, ignore_errors=True)
    pytest.fail(f"PostgreSQL did not start:\n{start.stdout}\n{start.stderr}\n{text[-3000:]}")


def _wait_ready(server: PgServer, timeout: float = 30.0) -> None:
    import psycopg

    end = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(server.url(), connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > end:
                raise
            time.sleep(0.1)

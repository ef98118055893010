"""``kratuve serve``, ``kratuve worker`` and ``kratuve admin``."""

from __future__ import annotations

import argparse
import json
import os
import sys

from api.cli.context import settings_from

# Idle keep-alive connections are held longer than clients and proxies usually keep them
# (uvicorn's 5 s default makes a client that reuses a connection the server just closed
# see a reset under load).
KEEP_ALIVE_S = 75


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the web service (REST API, OAI-PMH, web pages)")
    p.add_argument("--host", help="address to listen on (default: KRATUVE_API_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: KRATUVE_API_PORT, 8000)")
    p.add_argument("--inline-worker", dest="inline", action="store_true", default=None,
                   help="also run a worker process (the default when KRATUVE_BROKER_URL is empty)")
    p.add_argument("--no-inline-worker", dest="inline", action="store_false",
                   help="do not start a worker (run `kratuve worker` elsewhere)")
    p.add_argument("--workers", type=int, default=1, help="API processes (uvicorn workers)")
    p.set_defaults(handler=cmd_serve)

    w = sub.add_parser("worker", help="run a Celery worker that processes submitted theses")
    w.add_argument("--concurrency", type=int, default=1, help="jobs run at once (processes)")
    w.add_argument("--beat", action="store_true", help="also run the scheduler (embargo sweeps); one per deployment")
    w.set_defaults(handler=cmd_worker)

    s = sub.add_parser("scheduler", help="run the Celery beat scheduler (embargo sweeps); one per deployment")
    s.set_defaults(handler=cmd_scheduler)

    a = sub.add_parser("admin", help="institutions and API keys")
    asub = a.add_subparsers(dest="admin_command", required=True, metavar="WHAT")
    inst = asub.add_parser("institution", help="institutions").add_subparsers(dest="action", required=True)
    add = inst.add_parser("add", help="add an institution")
    add.add_argument("code", help="the code used in thesis metadata (institution field), e.g. LU")
    add.add_argument("name", help="its name, e.g. 'Latvijas Universitāte'")
    add.add_argument("--webhook-url", help="where to POST when a report of this institution is ready")
    add.set_defaults(handler=cmd_institution_add)
    hook = inst.add_parser("webhook", help="set the webhook URL and print the signing secret")
    hook.add_argument("code")
    hook.add_argument("url", nargs="?", help="omit to remove the webhook")
    hook.set_defaults(handler=cmd_institution_webhook)
    lst = inst.add_parser("list", help="list institutions")
    lst.set_defaults(handler=cmd_institution_list)
    key = asub.add_parser("key", help="API keys").add_subparsers(dest="action", required=True)
    create = key.add_parser("create", help="create a key (printed once)")
    create.add_argument("--institution", help="institution code (not needed for a global admin key)")
    create.add_argument("--role", required=True, choices=("submitter", "examiner", "admin"))
    create.add_argument("--label", default="", help="a note: which system or person uses it")
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(handler=cmd_key_create)
    klist = key.add_parser("list", help="list keys (never their secrets)")
    klist.add_argument("--institution")
    klist.set_defaults(handler=cmd_key_list)
    revoke = key.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    revoke.set_defaults(handler=cmd_key_revoke)


def _env(settings) -> None:
    """Child processes (workers, uvicorn) read the same settings."""
    os.environ["KRATUVE_DATA_DIR"] = str(settings.data_dir.resolve())
    if settings.repository_dir is not None:
        os.environ["KRATUVE_REPOSITORY_DIR"] = str(settings.repository_dir.resolve())


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.logs import configure_logging, scrub
    from api.service.app import create_app

    settings = settings_from(args)
    _env(settings)
    configure_logging(settings)
    inline = (not settings.broker_url) if args.inline is None else args.inline
    host, port = args.host or settings.api_host, args.port or settings.api_port
    print(f"Krātuve serving on http://{host}:{port} (data: {settings.data_dir}; "
          f"broker: {scrub(settings.broker_url) or 'files, no server'}; inline worker: {'yes' if inline else 'no'})",
          flush=True)
    if args.workers > 1:
        if inline:
            import subprocess

            worker = subprocess.Popen([sys.executable, "-m", "api.cli", "worker"])
        try:
            uvicorn.run("api.service.asgi:app", host=host, port=port, workers=args.workers, log_config=None,
                        timeout_keep_alive=KEEP_ALIVE_S)
        finally:
            if inline:
                worker.terminate()
        return 0
    uvicorn.run(create_app(settings, start_worker=inline), host=host, port=port, log_config=None,
                timeout_keep_alive=KEEP_ALIVE_S)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """One Celery worker per process, each with the ``solo`` pool: the ingest step runs each
    file in a child process of its own (with a time limit), which Celery's prefork pool
    (daemonic children) does not allow. ``--concurrency N`` starts N such processes."""
    settings = settings_from(args)
    _env(settings)
    if args.concurrency > 1:
        return _worker_group(args.concurrency, args.beat)
    from api.worker.tasks import app

    argv = ["worker", "--loglevel=INFO", "--pool=solo", "-n", f"kratuve-{os.getpid()}@%h",
            "--without-gossip", "--without-mingle"]
    if args.beat:
        argv.append("--beat")
    app.worker_main(argv)
    return 0


def _worker_group(n: int, beat: bool) -> int:
    import signal
    import subprocess

    procs = [subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--concurrency", "1"]
                              + (["--beat"] if beat and k == 0 else [])) for k in range(n)]

    stopping = []

    def stop(signum, frame):  # noqa: ARG001
        if signum is not None:
            stopping.append(signum)
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    import time

    # One process gone means the group is short: stop the others and exit, so the
    # supervisor (Docker, Kubernetes, systemd) restarts the whole worker.
    while all(p.poll() is None for p in procs):
        time.sleep(1)
    stop(None, None)
    codes = [p.wait() for p in procs]
    if stopping and not any(codes):
        return 0
    return max((c for c in codes if c), default=1)


def cmd_scheduler(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    _env(settings)
    from api.logs import configure_logging
    from api.worker.tasks import app

    configure_logging(settings)
    app.start(["beat", "--loglevel=INFO", "-s", str(settings.data_dir.resolve() / "celerybeat-schedule")])
    return 0


def _store(args):
    from api.service.store import open_service_store

    return open_service_store(settings_from(args))


def cmd_institution_add(args: argparse.Namespace) -> int:
    try:
        inst = _store(args).add_institution(args.code, args.name, webhook_url=args.webhook_url)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"added institution {inst.code}: {inst.name}")
    return 0


def cmd_institution_webhook(args: argparse.Namespace) -> int:
    from api.service.store import UnknownInstitution

    try:
        secret = _store(args).set_webhook(args.code, args.url)
    except UnknownInstitution:
        print(f"error: unknown institution {args.code!r}", file=sys.stderr)
        return 2
    print(f"webhook of {args.code}: {args.url or '(none)'}")
    print(f"signing secret (X-Kratuve-Signature, HMAC-SHA256): {secret}")
    return 0


def cmd_institution_list(args: argparse.Namespace) -> int:
    for inst in _store(args).institutions():
        print(f"{inst.code}\t{inst.name}\t{inst.webhook_url or ''}")
    return 0


def cmd_key_create(args: argparse.Namespace) -> int:
    from api.service.store import UnknownInstitution

    try:
        key, secret = _store(args).create_key(args.role, args.institution, label=args.label)
    except UnknownInstitution:
        print(f"error: unknown institution {args.institution!r} (kratuve admin institution add ...)", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"id": key.id, "role": key.role, "institution": key.institution, "key": secret}))
    else:
        print(secret)
        print(f"(key id {key.id}, role {key.role}, institution {key.institution or '-'}; "
              "the key is shown only now)", file=sys.stderr)
    return 0


def cmd_key_list(args: argparse.Namespace) -> int:
    for key in _store(args).keys(args.institution):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        print(f"{key.id}\t{key.role}\t{key.institution or '-'}\t{state}\t{key.label}")
    return 0


def cmd_key_revoke(args: argparse.Namespace) -> int:
    try:
        key = _store(args).revoke_key(args.key_id)
    except KeyError:
        print(f"error: no key {args.key_id!r}", file=sys.stderr)
        return 2
    print(f"revoked {key.id}")
    return 0

"""Every `kratuve` command line written in the deployment files is one the CLI accepts."""

from __future__ import annotations

import contextlib
import io

import pytest

from api.cli import build_parser
from deploy_support import DEPLOY, load_all
from dockerfile_lint import read


def _command_lines() -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    final = read(DEPLOY / "Dockerfile")[1][-1]
    found.append(("Dockerfile CMD", final.last("CMD").json_args()))
    (compose,) = load_all(DEPLOY / "compose.yaml")
    for name, service in compose["services"].items():
        if service.get("image", "").startswith("${KRATUVE_IMAGE") and "command" in service:
            command = [part.replace("${KRATUVE_WORKER_CONCURRENCY:-2}", "2") for part in service["command"]]
            found.append((f"compose {name}", command))
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        for doc in load_all(path):
            if doc.get("kind") == "Deployment":
                for container in doc["spec"]["template"]["spec"]["containers"]:
                    found.append((f"{path.name} {container['name']}", container["args"]))
    return found


COMMANDS = _command_lines()


@pytest.mark.parametrize("where,argv", COMMANDS, ids=[where for where, _ in COMMANDS])
def test_the_cli_accepts_the_command(where, argv):
    parser = build_parser()
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            args = parser.parse_args(argv)
        except SystemExit:
            pytest.fail(f"{where}: `kratuve {' '.join(argv)}` is refused: {stderr.getvalue().strip()}")
    assert callable(args.handler)


def test_all_process_kinds_are_deployed():
    commands = {argv[0] for _, argv in COMMANDS}
    assert {"serve", "worker", "scheduler"} <= commands

"""deploy/compose.yaml: docker-compose accepts it, and its services are wired as documented."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
import yaml

from deploy_support import DEPLOY, load_all, unknown_variables

COMPOSE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
KRATUVE_SERVICES = ("api", "worker", "scheduler")


@pytest.fixture(scope="module")
def compose() -> dict:
    (doc,) = load_all(COMPOSE)
    return doc


def _docker_compose(*args: str, env_file=None) -> subprocess.CompletedProcess:
    command = [shutil.which("docker-compose"), "-f", str(COMPOSE)]
    if env_file is not None:
        command += ["--env-file", str(env_file)]
    # A clean environment: only the env file decides the values.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(command + list(args), capture_output=True, text=True, env=env, timeout=120)


needs_compose = pytest.mark.skipif(shutil.which("docker-compose") is None,
                                   reason="docker-compose is not installed (scripts/setup.sh --dev installs it)")


@needs_compose
def test_docker_compose_accepts_the_file_with_the_example_env():
    run = _docker_compose("config", env_file=ENV_EXAMPLE)
    assert run.returncode == 0, run.stderr
    resolved = yaml.safe_load(run.stdout)
    assert set(KRATUVE_SERVICES) <= set(resolved["services"])
    api_env = resolved["services"]["api"]["environment"]
    assert api_env["KRATUVE_BROKER_URL"] == "redis://:change-me-redis@redis:6379/0"
    assert api_env["KRATUVE_ELASTICSEARCH__PASSWORD"] == "change-me-kratuve"
    for name in KRATUVE_SERVICES:
        env = resolved["services"][name]["environment"]
        assert env["KRATUVE_SERVICE_STORE_URL"] == "postgresql://kratuve:change-me-postgres@postgres:5432/kratuve", name
    assert resolved["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"] == "change-me-postgres"


@needs_compose
def test_docker_compose_refuses_to_run_without_passwords(tmp_path):
    empty = tmp_path / "empty.env"
    empty.write_text("")
    run = _docker_compose("config", env_file=empty)
    assert run.returncode != 0
    assert "PASSWORD" in run.stderr


def test_services_and_images(compose):
    assert compose["version"].startswith("3."), "docker-compose 1.29 needs a 3.x file"
    services = compose["services"]
    assert {"api", "worker", "scheduler", "redis", "postgres", "elasticsearch", "setup"} <= set(services)
    images = {services[name]["image"] for name in KRATUVE_SERVICES}
    assert len(images) == 1, "API, workers and scheduler run the same image"
    assert services["api"]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert services["api"]["build"]["context"] == ".."
    assert "EXTRAS" in services["api"]["build"]["args"]


def test_commands(compose):
    services = compose["services"]
    assert services["api"]["command"][:1] == ["serve"] and "0.0.0.0" in services["api"]["command"]
    worker = services["worker"]
    assert worker["command"][:2] == ["worker", "--concurrency"]
    assert worker["deploy"]["replicas"] >= 1
    assert services["scheduler"]["command"] == ["scheduler"]
    assert "deploy" not in services["scheduler"] or services["scheduler"]["deploy"].get("replicas", 1) == 1


def test_dependencies_wait_for_healthy_services(compose):
    services = compose["services"]
    for name in KRATUVE_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["elasticsearch"]["condition"] == "service_healthy", name
    assert services["elasticsearch"]["depends_on"]["setup"]["condition"] == "service_healthy"
    for name in ("api", "worker", "redis", "postgres", "elasticsearch", "setup"):
        check = services[name]["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
    assert "/readyz" in " ".join(services["api"]["healthcheck"]["test"])


def test_elasticsearch_security_is_on(compose):
    es = compose["services"]["elasticsearch"]["environment"]
    assert es["xpack.security.enabled"] == "true"
    assert es["xpack.security.http.ssl.enabled"] == "true"
    assert es["discovery.type"] == "single-node"
    assert es["ELASTIC_PASSWORD"].startswith("${ELASTIC_PASSWORD")
    assert es["xpack.security.http.ssl.certificate_authorities"] == "certs/ca/ca.crt"
    api = compose["services"]["api"]["environment"]
    assert api["KRATUVE_ELASTICSEARCH__URL"].startswith("https://elasticsearch:")
    assert api["KRATUVE_ELASTICSEARCH__CA_CERTS"].startswith("/certs/")
    assert "certs:/certs:ro" in compose["services"]["api"]["volumes"]


def test_no_secret_is_written_in_the_file(compose):
    def walk(node, path=""):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, f"{path}[{i}]")
        else:
            yield path, str(node)

    for path, value in walk(compose["services"]):
        if re.search(r"PASSWORD|API_KEY|SECRET", path.split(".")[-1]):
            assert value.startswith("${"), f"{path} must come from deploy/.env, not the file"
        if "BROKER_URL" in path:
            assert "${REDIS_PASSWORD" in value
        if "SERVICE_STORE_URL" in path:
            assert "${POSTGRES_PASSWORD" in value


def test_the_service_store_is_postgres_for_every_kratuve_service(compose):
    """API, workers and scheduler share one PostgreSQL service store, kept on its own volume."""
    services = compose["services"]
    urls = {services[name]["environment"]["KRATUVE_SERVICE_STORE_URL"] for name in KRATUVE_SERVICES}
    (url,) = urls
    assert url.startswith("postgresql://kratuve:${POSTGRES_PASSWORD") and url.endswith("@postgres:5432/kratuve")
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:15")
    assert postgres["environment"]["POSTGRES_USER"] == "kratuve" and postgres["environment"]["POSTGRES_DB"] == "kratuve"
    assert "postgres-data:/var/lib/postgresql/data" in postgres["volumes"]
    assert "postgres-data" in compose["volumes"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])


def test_settings_variables_exist(compose):
    """Every KRATUVE_* variable given to the services is one the settings class reads."""
    names = set()
    for name in KRATUVE_SERVICES:
        names |= set(compose["services"][name]["environment"])
    assert not unknown_variables(names), unknown_variables(names)


def test_env_example_names_every_variable_the_file_uses():
    used = set(re.findall(r"\$\{(\w+)", COMPOSE.read_text()))
    example = {line.split("=", 1)[0] for line in ENV_EXAMPLE.read_text().splitlines()
               if "=" in line and not line.startswith("#")}
    assert used - example == set()


def test_setup_script_is_valid_bash(compose):
    """The Elasticsearch setup container's script parses (compose's `$$` is a literal `$`)."""
    bash = shutil.which("bash")
    command = compose["services"]["setup"]["command"]
    assert command[:2] == ["bash", "-c"]
    script = command[2].replace("$$", "$")
    assert "elasticsearch-certutil ca" in script and "_security/user/kratuve" in script
    run = subprocess.run([bash, "-n", "-c", script], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    broken = subprocess.run([bash, "-n", "-c", script + "\nif true; then\n"], capture_output=True, text=True)
    assert broken.returncode != 0

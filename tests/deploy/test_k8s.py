"""deploy/k8s: every YAML document parses; probes, images, security and settings are set."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from deploy_support import DEPLOY, load_all, unknown_variables

K8S = DEPLOY / "k8s"


def _documents() -> dict[str, list[dict]]:
    return {path.name: load_all(path) for path in sorted(K8S.glob("*.yaml"))}


@pytest.fixture(scope="module")
def docs() -> dict[str, list[dict]]:
    return _documents()


def _deployments(docs) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for file in docs.values() for d in file if d["kind"] == "Deployment"}


def _container(deployment: dict) -> dict:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def test_every_document_parses_and_has_kind_and_name(docs):
    assert docs, "no manifests"
    for name, documents in docs.items():
        for doc in documents:
            if name == "kustomization.yaml":
                continue
            assert doc.get("apiVersion") and doc.get("kind"), name
            assert doc["metadata"].get("name"), name


def test_kustomization_lists_the_files_that_exist(docs):
    (kustomization,) = docs["kustomization.yaml"]
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), resource
    assert "secret.example.yaml" not in kustomization["resources"], "real secrets are made out of band"


def test_deployments_and_their_selectors(docs):
    deployments = _deployments(docs)
    assert {"kratuve-api", "kratuve-worker", "kratuve-worker-gpu", "kratuve-scheduler"} <= set(deployments)
    for name, d in deployments.items():
        labels = d["spec"]["template"]["metadata"]["labels"]
        assert d["spec"]["selector"]["matchLabels"].items() <= labels.items(), name
    assert deployments["kratuve-scheduler"]["spec"]["replicas"] == 1
    assert deployments["kratuve-scheduler"]["spec"]["strategy"]["type"] == "Recreate"


def test_images_and_commands(docs):
    deployments = _deployments(docs)
    for name, d in deployments.items():
        image = _container(d)["image"]
        assert image and ":" in image and not image.endswith(":latest"), name
    assert _container(deployments["kratuve-api"])["args"][0] == "serve"
    assert _container(deployments["kratuve-worker"])["args"][:2] == ["worker", "--concurrency"]
    assert _container(deployments["kratuve-scheduler"])["args"] == ["scheduler"]
    assert _container(deployments["kratuve-worker-gpu"])["image"].endswith("-torch")


def test_api_probes_and_service(docs):
    api = _container(_deployments(docs)["kratuve-api"])
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    port_names = {p["name"] for p in api["ports"]}
    assert api["livenessProbe"]["httpGet"]["port"] in port_names
    services = [d for file in docs.values() for d in file if d["kind"] == "Service"]
    (service,) = services
    assert service["spec"]["selector"]["app.kubernetes.io/component"] == "api"
    assert service["spec"]["ports"][0]["targetPort"] in port_names


def test_gpu_worker_asks_for_a_gpu_and_uses_sentence_transformers(docs):
    gpu = _container(_deployments(docs)["kratuve-worker-gpu"])
    assert gpu["resources"]["limits"]["nvidia.com/gpu"] == 1
    env = {e["name"]: e["value"] for e in gpu["env"] if "value" in e}
    assert env["KRATUVE_EMBEDDING__BACKEND"] == "sentence-transformers"
    assert env["KRATUVE_EMBEDDING__DEVICE"].startswith("cuda")


def test_pods_run_as_the_image_user_without_privileges(docs):
    for name, d in _deployments(docs).items():
        pod = d["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001, name
        container = _container(d)
        assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
        assert "memory" in container["resources"]["limits"], name
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        assert "/var/lib/kratuve" in mounts and "/tmp" in mounts, name
        # Several machines: nothing on a pod's data volume is shared (service store in PostgreSQL,
        # repository in Elasticsearch), so no claim ties the pods to one node.
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert volumes["data"] == {"name": "data", "emptyDir": {}}, name
        assert not any("persistentVolumeClaim" in v for v in pod["volumes"]), name
        assert "affinity" not in pod, name


def test_settings_come_from_the_configmap_and_secret(docs):
    (config,) = docs["configmap.yaml"]
    secrets = {d["metadata"]["name"]: d for d in docs["secret.example.yaml"]}
    names = set(config["data"]) | set(secrets["kratuve-secrets"]["stringData"])
    for d in _deployments(docs).values():
        container = _container(d)
        refs = {next(iter(r.values()))["name"] for r in container["envFrom"]}
        assert refs == {"kratuve-settings", "kratuve-secrets"}
        names |= {e["name"] for e in container.get("env", [])}
    assert all(isinstance(v, str) for v in config["data"].values()), "ConfigMap values must be strings"
    assert not {k for k in config["data"] if "PASSWORD" in k or "API_KEY" in k}, "secrets belong in the Secret"
    assert not unknown_variables(names), unknown_variables(names)


def test_every_deployment_reads_the_service_store_url_from_the_secret(docs):
    """API, workers (CPU and GPU) and the scheduler share one PostgreSQL service store; its
    URL holds a password, so it comes from the Secret, never from the ConfigMap."""
    (config,) = docs["configmap.yaml"]
    assert "KRATUVE_SERVICE_STORE_URL" not in config["data"]
    secrets = {d["metadata"]["name"]: d for d in docs["secret.example.yaml"]}
    assert secrets["kratuve-secrets"]["stringData"]["KRATUVE_SERVICE_STORE_URL"].startswith("postgresql://")
    deployments = _deployments(docs)
    assert {"kratuve-api", "kratuve-worker", "kratuve-worker-gpu", "kratuve-scheduler"} <= set(deployments)
    for name, d in deployments.items():
        env = {e["name"]: e for e in _container(d).get("env", [])}
        assert "KRATUVE_SERVICE_STORE_URL" in env, name
        ref = env["KRATUVE_SERVICE_STORE_URL"]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "kratuve-secrets", "key": "KRATUVE_SERVICE_STORE_URL"}, name


def test_a_broken_manifest_is_caught(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: Deployment\nmetadata: {name: x\n")
    with pytest.raises(yaml.YAMLError):
        load_all(bad)


def test_multi_node_needs_shared_state_outside_the_pods(docs):
    (config,) = docs["configmap.yaml"]
    assert config["data"]["KRATUVE_REPOSITORY_BACKEND"] == "elasticsearch"
    api = _container(_deployments(docs)["kratuve-api"])
    refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in api.get("env", []) if "valueFrom" in e}
    # one session key for every API replica, required (no "optional: true")
    assert refs["KRATUVE_SECRET_KEY"] == {"name": "kratuve-secrets", "key": "KRATUVE_SECRET_KEY"}
    secret = next(d for d in docs["secret.example.yaml"] if d["metadata"]["name"] == "kratuve-secrets")
    assert "KRATUVE_SECRET_KEY" in secret["stringData"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed (it renders kustomizations "
                    "offline)")
def test_kustomize_renders_the_whole_deployment():
    out = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rendered = [d for d in yaml.safe_load_all(out.stdout) if d]
    kinds = sorted((d["kind"], d["metadata"]["name"]) for d in rendered)
    assert ("Deployment", "kratuve-api") in kinds and ("Deployment", "kratuve-worker") in kinds
    assert ("Deployment", "kratuve-scheduler") in kinds
    assert not any(kind == "PersistentVolumeClaim" for kind, _ in kinds)
    assert {d["metadata"].get("namespace") for d in rendered if d["kind"] != "Namespace"} == {"kratuve"}


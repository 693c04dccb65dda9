"""Kubernetes manifests of rendered projects, checked against their Compose stack with real
tools: kubectl kustomize, kubernetes-validate (strict OpenAPI schemas), docker compose config.

Each check takes a Rendering and returns its problems (empty: clean), so a test can plant a
defect in a copy and see the check catch it.
"""

from __future__ import annotations

import ast
import base64
import copy
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml

from tests.fast.matrix import answer_sets
from tests.support.processes import tool

KUBERNETES_VERSION = "1.32"  # the kubectl of these machines
OVERLAYS = ("dev", "prod")
# prod reaches these managed services instead of in-cluster ones (made-up addresses).
MANAGED_URLS = {
    "DATABASE_URL": "postgresql+psycopg://app:managed-secret@db.example.internal:5432/app",
    "MONGODB_URL": "mongodb://app:managed-secret@db.example.internal:27017",
    "CHROMA_URL": "https://chroma.example.internal",
    "QDRANT_URL": "https://qdrant.example.internal",
    "REDIS_URL": "rediss://:managed-secret@redis.example.internal:6379/0",
}
WORKLOADS = ("Deployment", "StatefulSet", "Job")
# The reverse proxy is the cluster's ingress controller: no workload of its own.
PROXY, CONTROLLER = "proxy", "ingress-nginx"
# Left out of the manifests (copier.yml, `kubernetes: false`): the model server; Airflow (its
# Helm chart, and the evaluation-runner only its DAG calls) and Spark (its operator).
OUTSIDE = {"llm", "llm-pull", "airflow-db", "airflow-init", "airflow-api-server",
           "airflow-scheduler", "airflow-dag-processor", "spark-master", "spark-worker",
           "spark-submit", "evaluation-runner"}  # fmt: skip
# Compose -> Kubernetes differences, each for a reason the manifests state.
EXTRA_ENV = {
    "vectordb": {"QDRANT_INIT_FILE_PATH"},  # out of Qdrant's read-only image folder
}
UNMIRRORED_VOLUMES = {("node-exporter", "prometheus-data")}  # a PVC is one pod's
UNMIRRORED_BINDS = {("evaluation", "/app/reports")}  # the Job prints its report to its log


@dataclass
class Rendering:
    project: Path
    compose: dict[str, Any]  # docker compose config (every profile) as JSON
    overlays: dict[str, list[dict[str, Any]]]  # overlay -> its resources, as kustomize prints


def kubectl() -> str:
    found = shutil.which("kubectl")
    if not found:
        raise FileNotFoundError("kubectl not found (expected at /usr/bin/kubectl, with Kustomize)")
    return found


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        cmd, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def build(rendered: Path, workdir: Path) -> Rendering:
    """Copy the project, make the secrets of each overlay as a user would, render both."""
    project = workdir / "project"
    shutil.copytree(rendered, project)
    env = {"PATH": "/usr/bin:/bin"}
    run(["sh", "deploy/kubernetes/secrets.sh", "dev"], project, env)
    run(["sh", "deploy/kubernetes/secrets.sh", "prod"], project, {**env, **MANAGED_URLS})
    overlays = {}
    for overlay in OVERLAYS:
        out = run(
            [
                kubectl(),
                "kustomize",
                "--load-restrictor",
                "LoadRestrictionsNone",
                f"deploy/kubernetes/overlays/{overlay}",
            ],
            project,
        )
        overlays[overlay] = [doc for doc in yaml.safe_load_all(out) if doc]
    config = run([tool("docker-compose"), "--profile", "*", "config", "--format", "json"], project)
    return Rendering(project, json.loads(config), overlays)


def planted(rendering: Rendering, change: Callable[[Rendering], None]) -> Rendering:
    """A deep copy of rendering with one defect."""
    result = Rendering(
        rendering.project, copy.deepcopy(rendering.compose), copy.deepcopy(rendering.overlays)
    )
    change(result)
    return result


# ------------------------------------------------------------------ helpers


def named(docs: list[dict], kind: str, name: str) -> dict | None:
    return next((d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name), None)


def workloads(docs: list[dict]) -> Iterator[tuple[str, dict]]:
    """(name, pod spec) of every Deployment, StatefulSet and Job."""
    for doc in docs:
        if doc["kind"] in WORKLOADS:
            yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]


def main_container(name: str, pod: dict) -> dict:
    return next(c for c in pod["containers"] if c["name"] == name)


def all_containers(pod: dict) -> list[dict]:
    return pod.get("initContainers", []) + pod["containers"]


def compose_services(rendering: Rendering) -> dict[str, dict]:
    """Compose services by their Kubernetes name (no underscore: search_admin, search-admin)."""
    return {k8s_name(name): spec for name, spec in rendering.compose["services"].items()}


def k8s_name(name: str) -> str:
    return name.replace("_", "-")


def expected_services(rendering: Rendering, overlay: str) -> set[str]:
    """Compose services that run in the cluster for an overlay (prod: not the managed ones)."""
    names = set(compose_services(rendering)) - {PROXY} - OUTSIDE
    if overlay == "prod":
        names -= managed(rendering)
    return names


def managed(rendering: Rendering) -> set[str]:
    """Services outside the cluster in prod: db, vectordb, redis and the exporters of the two."""
    names = {"db", "vectordb", "redis"} & set(compose_services(rendering))
    return names | {f"{n}-exporter" for n in names} & set(compose_services(rendering))


def image_of(rendering: Rendering, service: str) -> str:
    """What Compose runs: the image, or <project>-<component> for a built one."""
    spec = compose_services(rendering)[service]
    if "build" in spec:
        build = spec["build"]
        component = Path(build["context"], build.get("dockerfile", "Dockerfile")).parent.name
        slug = rendering.compose["name"]
        version = re.search(
            r'^version = "(.+)"', (rendering.project / "pyproject.toml").read_text(), re.MULTILINE
        )
        return f"{slug}-{component}:{version.group(1)}"
    return spec["image"]


# ------------------------------------------------------------------ checks


def check_schemas(rendering: Rendering) -> list[str]:
    problems = []
    for overlay, docs in rendering.overlays.items():
        for doc in docs:
            try:
                kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as error:
                where = f"{overlay}: {doc['kind']}/{doc['metadata'].get('name')}"
                problems.append(f"{where}: {error.message} at {list(error.path)}")
    return problems


def check_workloads_match_compose(rendering: Rendering) -> list[str]:
    """The same services, images, environment variable names and resource limits."""
    problems = []
    for overlay, docs in rendering.overlays.items():
        pods = dict(workloads(docs))
        expected = expected_services(rendering, overlay)
        problems += [f"{overlay}: no workload for service {s}" for s in expected - set(pods)]
        problems += [f"{overlay}: workload {s} is no Compose service" for s in set(pods) - expected]
        images = {image_of(rendering, s) for s in compose_services(rendering)}
        for name, pod in pods.items():
            if name not in expected:
                continue
            spec, container = compose_services(rendering)[name], main_container(name, pod)
            if container["image"] != image_of(rendering, name):
                problems.append(
                    f"{overlay}: {name} runs {container['image']}, Compose "
                    f"{image_of(rendering, name)}"
                )
            problems += [
                f"{overlay}: {name}/{c['name']} runs {c['image']}, not a Compose image"
                for c in all_containers(pod)
                if c["image"] not in images
            ]
            # Compose gives a password as a file (X_FILE or X__FILE, a Compose secret), a URL's
            # as X_PASSWORD_FILE; a pod reads the same from a file of the Secret (X_FILE, X__FILE;
            # a URL whole, password included).
            names = {e["name"].removesuffix("_FILE").rstrip("_") for e in container.get("env", [])}
            names -= EXTRA_ENV.get(name, set())
            variables = {
                v.removesuffix("_PASSWORD_FILE") if v.endswith("_URL_PASSWORD_FILE")
                else v.removesuffix("_FILE").rstrip("_")
                for v in spec.get("environment") or {}
            }  # fmt: skip
            if names != variables:
                problems.append(
                    f"{overlay}: {name} env {sorted(names)} != Compose "
                    f"{sorted(spec.get('environment') or {})}"
                )
            limits = spec["deploy"]["resources"]["limits"]
            got = container["resources"]["limits"]
            if float(got["cpu"]) != float(limits["cpus"]) or memory(got["memory"]) != int(
                limits["memory"]
            ):
                problems.append(f"{overlay}: {name} limits {got} != Compose {limits}")
    return problems


def memory(quantity: str) -> int:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    return int(quantity[:-2]) * units[quantity[-2:]] if quantity[-2:] in units else int(quantity)


# The pods that run the embedder, and what EMBEDDER=minilm (the default) holds once warm: the
# API's resident memory after ingesting 1,000 chunks and answering 200 searches, 676 MiB (VmRSS;
# the model and ONNX Runtime's arena after batches of 8: docs/pages/embedders.md). A pod using
# more than it requests is the first evicted under node memory pressure.
EMBEDDING_PODS = {"api", "worker", "evaluation"}
EMBEDDER_STEADY_STATE = 676 * 2**20


def check_memory_requests(rendering: Rendering) -> list[str]:
    """The pods that embed request at least the embedder's measured steady state."""
    problems = []
    for overlay, docs in rendering.overlays.items():
        for name, pod in workloads(docs):
            if name not in EMBEDDING_PODS:
                continue
            requested = main_container(name, pod)["resources"]["requests"]["memory"]
            if memory(requested) < EMBEDDER_STEADY_STATE:
                problems.append(
                    f"{overlay}: {name} requests {requested} of memory, below the embedder's "
                    f"steady state ({EMBEDDER_STEADY_STATE // 2**20}Mi)"
                )
    return problems


def check_security(rendering: Rendering) -> list[str]:
    """Every pod: UID 10001, read-only root, no capability, no escalation, seccomp, probes."""
    problems = []
    for overlay, docs in rendering.overlays.items():
        kinds = {d["metadata"]["name"]: d["kind"] for d in docs if d["kind"] in WORKLOADS}
        for name, pod in workloads(docs):
            where = f"{overlay}: {name}"
            ctx = pod.get("securityContext", {})
            if (ctx.get("runAsNonRoot"), ctx.get("runAsUser")) != (True, 10001):
                problems.append(f"{where}: not run as non-root UID 10001")
            if ctx.get("seccompProfile", {}).get("type") != "RuntimeDefault":
                problems.append(f"{where}: seccomp profile is not RuntimeDefault")
            for c in all_containers(pod):
                sc = c.get("securityContext", {})
                if sc.get("allowPrivilegeEscalation") is not False:
                    problems.append(f"{where}/{c['name']}: privilege escalation allowed")
                if sc.get("readOnlyRootFilesystem") is not True:
                    problems.append(f"{where}/{c['name']}: root filesystem writable")
                if sc.get("capabilities") != {"drop": ["ALL"]}:
                    problems.append(f"{where}/{c['name']}: capabilities not all dropped")
                res = c.get("resources", {})
                if not {"cpu", "memory"} <= set(res.get("requests", {})) & set(
                    res.get("limits", {})
                ):
                    problems.append(f"{where}/{c['name']}: requests or limits missing")
            if kinds[name] != "Job":
                c = main_container(name, pod)
                problems += [
                    f"{where}: no {p}" for p in ("livenessProbe", "readinessProbe") if p not in c
                ]
        api = dict(workloads(docs)).get("api")
        if api:
            c = main_container("api", api)
            paths = (c["livenessProbe"]["httpGet"]["path"], c["readinessProbe"]["httpGet"]["path"])
            if paths != ("/healthz", "/readyz"):
                problems.append(f"{overlay}: api probes {paths}, not /healthz and /readyz")
    return problems


def api_get_routes(project: Path) -> set[str]:
    """GET paths the API serves, read from the route decorators of src/api/routes/ and of the
    probes' module, src/api/health.py."""
    paths = set()
    modules = [*(project / "src/api/routes").glob("*.py"), project / "src/api/health.py"]
    for module in modules:
        tree = ast.parse(module.read_text())
        prefix = ""
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "APIRouter":
                prefix = next((k.value.value for k in node.keywords if k.arg == "prefix"), "")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                paths.add(prefix + node.args[0].value)
    return paths


def check_probes_exist(rendering: Rendering) -> list[str]:
    """API probe paths are API routes; other probes use the Compose healthcheck's URL."""
    routes = api_get_routes(rendering.project)
    problems = []
    for overlay, docs in rendering.overlays.items():
        for name, pod in workloads(docs):
            test = " ".join(
                compose_services(rendering).get(name, {}).get("healthcheck", {}).get("test", [])
            )
            for c in pod["containers"]:
                for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                    path = c.get(probe, {}).get("httpGet", {}).get("path")
                    if path is None:
                        continue
                    if name in ("api", "migrate"):
                        if path not in routes:
                            problems.append(f"{overlay}: {name} {probe} {path}: no such API route")
                    elif (url := re.search(r"127\.0\.0\.1:\d+(/[^\s'\"]*)", test)) and url[
                        1
                    ] != path:
                        problems.append(
                            f"{overlay}: {name} {probe} {path}, Compose checks {url[1]}"
                        )
    return problems


def peer_ports(rendering: Rendering) -> set[tuple[str, int]]:
    """(service, port) pairs the Compose stack reaches: URLs in its environment, Prometheus
    targets, nginx upstreams, published ports."""
    services = compose_services(rendering)
    text = json.dumps(
        [[s.get(k) for k in ("environment", "healthcheck")] for s in services.values()]
    )
    for config in ("docker/monitoring/prometheus.yml", "docker/proxy/nginx.conf.template"):
        if (rendering.project / config).is_file():
            text += (rendering.project / config).read_text()
    found = {
        (k8s_name(h), int(p))
        for h, p in re.findall(r"[/@\"]([a-z][a-z0-9_-]*):(\d+)", text)
        if k8s_name(h) in services
    }
    for name, spec in services.items():
        found |= {(name, int(p["target"])) for p in spec.get("ports", [])}
    return found


def check_ports(rendering: Rendering) -> list[str]:
    """A Service for every port the Compose stack uses, reaching a container port."""
    problems = []
    for overlay, docs in rendering.overlays.items():
        present = expected_services(rendering, overlay)
        for service, port in sorted(peer_ports(rendering)):
            if service not in present:
                continue
            svc = named(docs, "Service", service)
            if svc is None or port not in {p["port"] for p in svc["spec"]["ports"]}:
                problems.append(f"{overlay}: no Service {service} with port {port}")
        pods = dict(workloads(docs))
        for svc in (d for d in docs if d["kind"] == "Service"):
            name = svc["metadata"]["name"]
            ports = {
                p["name"]
                for c in pods.get(name, {}).get("containers", [])
                for p in c.get("ports", [])
            }
            problems += [
                f"{overlay}: Service {name} targets {p['targetPort']}, not a port of its pods"
                for p in svc["spec"]["ports"]
                if p["targetPort"] not in ports
            ]
    return problems


def config_maps(volume: dict) -> list[str]:
    """The ConfigMaps a volume shows: its own, or those among its projected sources."""
    sources = [volume, *volume.get("projected", {}).get("sources", [])]
    return [source["configMap"]["name"] for source in sources if "configMap" in source]


def check_volumes(rendering: Rendering) -> list[str]:
    """Named volumes: a PersistentVolumeClaim of the same name at the same path; files Compose
    mounts: a ConfigMap holding that file at the same path, and a key of the Secret at the same
    path for each secret Compose mounts outside /run/secrets/."""
    problems = []
    for overlay, docs in rendering.overlays.items():
        present = expected_services(rendering, overlay)
        pods = {d["metadata"]["name"]: d for d in docs if d["kind"] in WORKLOADS}
        configmaps = {
            d["metadata"]["name"]: d.get("data", {}) for d in docs if d["kind"] == "ConfigMap"
        }
        for name in sorted(present):
            doc = pods.get(name)
            if doc is None:
                continue
            pod = doc["spec"]["template"]["spec"]
            claims = {t["metadata"]["name"] for t in doc["spec"].get("volumeClaimTemplates", [])}
            sources = {v["name"]: v for v in pod.get("volumes", [])}
            mounts = main_container(name, pod).get("volumeMounts", [])
            for volume in compose_services(rendering)[name].get("volumes", []):
                target = volume["target"]
                if volume["type"] == "volume":
                    if (name, volume["source"]) in UNMIRRORED_VOLUMES:
                        continue
                    ok = any(
                        m["mountPath"] == target
                        and m["name"] == volume["source"]
                        and (
                            m["name"] in claims
                            or "persistentVolumeClaim" in sources.get(m["name"], {})
                        )
                        for m in mounts
                    )
                    if not ok:
                        problems.append(
                            f"{overlay}: {name}: no claim {volume['source']} at {target}"
                        )
                elif volume["type"] == "bind" and (name, target) not in UNMIRRORED_BINDS:
                    files = [Path(volume["source"])]
                    if files[0].is_dir():
                        files = [p for p in files[0].rglob("*") if p.is_file()]
                    for file in files:
                        where = target + str(file).removeprefix(volume["source"])
                        ok = any(
                            str(Path(where).parent) == m["mountPath"]
                            and any(
                                file.name in configmaps.get(config, {})
                                for config in config_maps(sources.get(m["name"], {}))
                            )
                            for m in mounts
                        )
                        if not ok:
                            problems.append(
                                f"{overlay}: {name}: {where} is in no ConfigMap mounted there"
                            )
            files = {
                f"{m['mountPath']}/{item['path']}"
                for m in mounts
                for source in sources.get(m["name"], {}).get("projected", {}).get("sources", [])
                for item in source.get("secret", {}).get("items", [])
            }
            # Secrets Compose puts where a configuration names them (the applications read
            # their URLs whole in Kubernetes, the passwords' files in Compose).
            for secret in compose_services(rendering)[name].get("secrets", []):
                target = secret.get("target", "/run/secrets/")
                if not target.startswith("/run/secrets/") and target not in files:
                    problems.append(f"{overlay}: {name}: no Secret's key at {target}")
    return problems


def check_references(rendering: Rendering) -> list[str]:
    """Every Secret key, ConfigMap and claim a pod refers to exists in the same overlay."""
    problems = []
    for overlay, docs in rendering.overlays.items():
        secrets = {
            d["metadata"]["name"]: set(d.get("data", {})) for d in docs if d["kind"] == "Secret"
        }
        configmaps = {d["metadata"]["name"] for d in docs if d["kind"] == "ConfigMap"}
        claims = {d["metadata"]["name"] for d in docs if d["kind"] == "PersistentVolumeClaim"}
        for name, pod in workloads(docs):
            refs = [
                (c["name"], e["valueFrom"]["secretKeyRef"])
                for c in all_containers(pod)
                for e in c.get("env", [])
                if "secretKeyRef" in e.get("valueFrom", {})
            ]
            refs += [
                ("volume " + volume["name"], {**source["secret"], "key": item["key"]})
                for volume in pod.get("volumes", [])
                for source in volume.get("projected", {}).get("sources", [])
                if "secret" in source
                for item in source["secret"].get("items", [])
            ]
            problems += [
                f"{overlay}: {name}/{who}: no key {ref['key']} in Secret {ref['name']}"
                for who, ref in refs
                if not ref.get("optional") and ref["key"] not in secrets.get(ref["name"], ())
            ]
            for volume in pod.get("volumes", []):
                problems += [
                    f"{overlay}: {name}: no ConfigMap {config}"
                    for config in config_maps(volume)
                    if config not in configmaps
                ]
                claim = volume.get("persistentVolumeClaim", {}).get("claimName")
                if claim and claim not in claims:
                    problems.append(f"{overlay}: {name}: no PersistentVolumeClaim {claim}")
    return problems


# (image without its tag, variable) that may take a value of a Secret from the environment:
# each an image with no way to read it from a file. None so far: every image here has a *_FILE
# variable, and the MongoDB exporter, which has none, reads its URL from a file in its shell.
SECRET_ENV_ALLOWED: set[tuple[str, str]] = set()


def check_secrets_as_files(rendering: Rendering) -> list[str]:
    """Passwords reach containers as files, as in Compose: no Secret in the environment
    (secretKeyRef, envFrom) beyond SECRET_ENV_ALLOWED; the Secret's volumes read-only and
    unreadable by other users; no value of the Secret in a ConfigMap."""
    problems = []
    for overlay, docs in rendering.overlays.items():
        for name, pod in workloads(docs):
            secret_volumes = {
                v["name"]: v.get("secret") or v["projected"]
                for v in pod.get("volumes", [])
                if "secret" in v
                or any("secret" in s for s in v.get("projected", {}).get("sources", []))
            }
            problems += [
                f"{overlay}: {name}: Secret volume {volume} readable by other users"
                for volume, source in secret_volumes.items()
                if source.get("defaultMode", 0o644) & 0o007
            ]
            for c in all_containers(pod):
                where, image = f"{overlay}: {name}/{c['name']}", c["image"].rsplit(":", 1)[0]
                problems += [
                    f"{where}: {e['name']} from Secret {e['valueFrom']['secretKeyRef']['name']}"
                    " in the environment: mount it and name the file (*_FILE)"
                    for e in c.get("env", [])
                    if "secretKeyRef" in e.get("valueFrom", {})
                    and (image, e["name"]) not in SECRET_ENV_ALLOWED
                ]
                problems += [
                    f"{where}: the whole Secret {e['secretRef']['name']} in the environment"
                    for e in c.get("envFrom", [])
                    if "secretRef" in e
                ]
                problems += [
                    f"{where}: Secret volume {m['name']} mounted writable"
                    for m in c.get("volumeMounts", [])
                    if m["name"] in secret_volumes and not m.get("readOnly")
                ]
        values = {
            base64.b64decode(v).decode()
            for d in docs
            if d["kind"] == "Secret"
            for v in d.get("data", {}).values()
        }
        problems += [
            f"{overlay}: ConfigMap {d['metadata']['name']} holds a value of a Secret ({key})"
            for d in docs
            if d["kind"] == "ConfigMap"
            for key, text in d.get("data", {}).items()
            if any(len(v) >= 16 and v in text for v in values)
        ]
    return problems


def compose_graph(rendering: Rendering, overlay: str) -> set[tuple[str, str]]:
    """Who can reach whom in Compose: services sharing a network (the proxy stands for the
    ingress controller)."""
    nets = {
        (CONTROLLER if n == PROXY else n): set(s.get("networks", {}))
        for n, s in compose_services(rendering).items()
    }
    present = expected_services(rendering, overlay) | {CONTROLLER}
    return {
        (a, b)
        for a in present
        for b in present
        if a != b and a in nets and b in nets and nets[a] & nets[b]
    }


def matches(selector: dict, labels: dict) -> bool:
    if set(selector) - {"matchLabels"}:
        raise ValueError(f"selector not understood: {selector}")
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def peer_allowed(peers: list[dict], labels: dict, namespace_labels: dict, same: bool) -> bool:
    for peer in peers:
        if "ipBlock" in peer:
            continue  # outside the cluster
        ns_ok = (
            matches(peer["namespaceSelector"], namespace_labels)
            if "namespaceSelector" in peer
            else same
        )
        if ns_ok and matches(peer.get("podSelector", {}), labels):
            return True
    return False


def policy_graph(docs: list[dict]) -> set[tuple[str, str]]:
    """Who can reach whom under the NetworkPolicies (both ends must allow it)."""
    namespace = next(d["metadata"]["name"] for d in docs if d["kind"] == "Namespace")
    pods = {
        name: (pod_labels, {"kubernetes.io/metadata.name": namespace}, True)
        for name, pod_labels in pod_labels_of(docs).items()
    }
    pods[CONTROLLER] = ({}, {"kubernetes.io/metadata.name": CONTROLLER}, False)
    policies = [d["spec"] for d in docs if d["kind"] == "NetworkPolicy"]

    def allows(direction: str, me: str, other: str) -> bool:
        labels, _, mine = pods[me]
        if not mine:
            return True  # another namespace: our policies do not restrict it
        selecting = [
            p
            for p in policies
            if direction.capitalize() in p["policyTypes"] and matches(p["podSelector"], labels)
        ]
        key = "from" if direction == "ingress" else "to"
        o_labels, o_ns, o_mine = pods[other]
        return any(
            peer_allowed(rule.get(key, [{}]), o_labels, o_ns, o_mine)
            for p in selecting
            for rule in p.get(direction, [])
        )

    return {
        (a, b)
        for a in pods
        for b in pods
        if a != b and allows("egress", a, b) and allows("ingress", b, a)
    }


def pod_labels_of(docs: list[dict]) -> dict[str, dict]:
    return {
        d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"]
        for d in docs
        if d["kind"] in WORKLOADS
    }


def check_network_graph(rendering: Rendering) -> list[str]:
    problems = []
    for overlay, docs in rendering.overlays.items():
        want, got = compose_graph(rendering, overlay), policy_graph(docs)
        problems += [
            f"{overlay}: {a} -> {b} allowed, not in Compose" for a, b in sorted(got - want)
        ]
        problems += [f"{overlay}: {a} -> {b} in Compose, denied" for a, b in sorted(want - got)]
    return problems


def nginx_routes(project: Path) -> dict[str, str]:
    """Proxied location -> upstream service, from the nginx config Compose mounts."""
    path = project / "docker/proxy/nginx.conf.template"
    if not path.is_file():
        return {}
    text = path.read_text()
    upstreams = {
        var: k8s_name(host) for var, host in re.findall(r"set \$(\w+) http://([\w-]+):\d+;", text)
    }
    return {
        loc: upstreams[var]
        for loc, var in re.findall(r"location (/\S*) \{[^}]*?proxy_pass \$(\w+);", text)
    }


def ingress_routes(docs: list[dict]) -> dict[str, str]:
    routes = {}
    for doc in (d for d in docs if d["kind"] == "Ingress"):
        for rule in doc["spec"]["rules"]:
            for p in rule["http"]["paths"]:
                path = p["path"].split("(")[0]  # /api(/|$)(.*) -> /api
                path = path if path == "/" else path.rstrip("/") + "/"
                routes[path] = p["backend"]["service"]["name"]
    return routes


def check_ingress(rendering: Rendering) -> list[str]:
    want = nginx_routes(rendering.project)
    return [
        f"{overlay}: Ingress routes {ingress_routes(docs)} != nginx {want}"
        for overlay, docs in rendering.overlays.items()
        if ingress_routes(docs) != want
    ]


CHECKS: dict[str, Callable[[Rendering], list[str]]] = {
    "schemas": check_schemas,
    "workloads": check_workloads_match_compose,
    "security": check_security,
    "memory": check_memory_requests,
    "probes": check_probes_exist,
    "ports": check_ports,
    "volumes": check_volumes,
    "references": check_references,
    "secret-files": check_secrets_as_files,
    "network": check_network_graph,
    "ingress": check_ingress,
}


def k8s_answer_sets() -> list[dict[str, Any]]:
    """The fast matrix with kubernetes=true, without duplicates."""
    seen, result = set(), []
    for answers in answer_sets():
        answers = {**answers, "kubernetes": True}
        key = repr(sorted(answers.items()))
        if key not in seen:
            seen.add(key)
            result.append(answers)
    return result

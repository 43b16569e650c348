"""Multi-container (sidecar) Cloud Run services: which sidecar the ingress container may start before.

Cloud Run starts every container of an instance at once unless the ingress
container declares that it depends on another (`run.googleapis.com/container-dependencies`
in YAML, `depends_on` on a Terraform v2 container); a dependency is only
"started" once its startup probe passes. An ingress container that connects to
a sidecar on localhost at boot (Redis, a database proxy) then finds nothing
listening, exits, and fails its own startup probe.

For each sidecar the ingress container does not wait for, this module emits a
`sidecar_unordered` Setting at the sidecar's container line (detail: names and
whether the sidecar has a startup probe). Where each kind keeps containers,
ports, probes and dependencies lives in tools/data/deploy_settings.yaml
(`sidecars:`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tools.records import Setting
from tools.scan.deploy_config.common import UNRESOLVED, Attr, Block, deploy_settings, lookup


def _name(container: Block, index: int) -> str:
    attr = container.attrs.get("name")
    return str(attr.value) if attr is not None and attr.value not in (None, UNRESOLVED) else f"#{index}"


def _dependencies(root: Block, ingress: Block, ingress_name: str, spec: dict[str, Any]) -> set[str]:
    """Containers the ingress container waits for (annotation JSON or its own depends_on list)."""
    names: set[str] = set()
    if spec.get("annotation"):
        item, _, _ = lookup(root, spec["annotation"])
        if isinstance(item, Attr):
            text = item.value if isinstance(item.value, str) else (item.expr or "")
            try:
                declared = json.loads(text)
            except ValueError:  # jsonencode({ app = ["proxy"] }): every quoted name is taken as awaited
                declared = None
                names |= set(re.findall(r"[\"']([\w-]+)[\"']", text))
            if isinstance(declared, dict):
                names |= {str(n) for n in declared.get(ingress_name) or []}
    if spec.get("depends_on"):
        attr = ingress.attrs.get(spec["depends_on"])
        if attr is not None:
            values = attr.value if isinstance(attr.value, list) else [attr.expr or attr.value]
            names |= {str(v).strip('"') for v in values if v not in (None, UNRESOLVED)}
    return names


def ingress_first(root: Block, kind_spec: dict[str, Any], family: str) -> None:
    """Put the container that takes requests (the one with ports) first, where settings are read from.

    A service may list a sidecar before its ingress container; its memory,
    port and probes are the ones a request-path symptom is about.
    """
    spec = (deploy_settings().get("sidecars") or {}).get(family)
    if not spec or "containers" not in kind_spec:
        return
    parent, _, matched = lookup(root, kind_spec["containers"][:-1])
    if not isinstance(parent, Block) or matched < len(kind_spec["containers"]) - 1:
        return
    containers = parent.blocks.get(kind_spec["containers"][-1], [])
    ingress = next((c for c in containers if spec["ports"] in c.blocks or spec["ports"] in c.attrs), None)
    if ingress is not None and containers and containers[0] is not ingress:
        containers.remove(ingress)
        containers.insert(0, ingress)


def sidecar_settings(root: Block, kind_spec: dict[str, Any], family: str, *, rel_path: str, origin: str,
                     resource: str, target_name: str | None) -> list[Setting]:
    """`sidecar_unordered` for each sidecar the ingress container does not declare it waits for."""
    spec = (deploy_settings().get("sidecars") or {}).get(family)
    if not spec or "containers" not in kind_spec:
        return []
    parent, _, matched = lookup(root, kind_spec["containers"][:-1])
    if not isinstance(parent, Block) or matched < len(kind_spec["containers"]) - 1:
        return []
    containers = parent.blocks.get(kind_spec["containers"][-1], [])
    if len(containers) < 2:
        return []
    ingress_index = next((i for i, c in enumerate(containers) if spec["ports"] in c.blocks or spec["ports"] in c.attrs),
                         0)
    ingress = containers[ingress_index]
    ingress_name = _name(ingress, ingress_index)
    waits_for = _dependencies(root, ingress, ingress_name, spec)
    out = []
    for index, container in enumerate(containers):
        name = _name(container, index)
        if index == ingress_index or name in waits_for:
            continue
        probed = spec["startup_probe"] in container.blocks or spec["startup_probe"] in container.attrs
        out.append(Setting(setting="sidecar_unordered", value=name, is_default=False,
                           raw_ref=f"{rel_path}:{container.line}", source="repository", origin=origin,
                           resource=resource, target_name=target_name,
                           detail={"sidecar": name, "ingress": ingress_name, "sidecar_startup_probe": probed}))
    return out

"""Knative / Cloud Run v1 YAML (`gcloud run services replace service.yaml`).

Composed with PyYAML (not loaded) so every key keeps its line; annotations
such as `run.googleapis.com/cpu-throttling` and
`autoscaling.knative.dev/maxScale` are just keys in the tree.
"""

from __future__ import annotations

from typing import Any

import yaml

from tools.records import DataGap, Setting
from tools.scan.deploy_config.common import Attr, Block, deploy_settings, resolve_settings
from tools.scan.deploy_config.sidecars import ingress_first, sidecar_settings

MARKERS = ("serving.knative.dev", "run.googleapis.com/v1")


def _scalar(node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader("").construct_object(node) if node.tag != "tag:yaml.org,2002:str" else node.value
    except yaml.YAMLError:
        return node.value


def _to_block(node: yaml.MappingNode, line: int) -> Block:
    block = Block(line=line)
    for key_node, value in node.value:
        key = str(key_node.value)
        key_line = key_node.start_mark.line + 1
        if isinstance(value, yaml.MappingNode):
            block.add_block(key, _to_block(value, key_line))
        elif isinstance(value, yaml.SequenceNode):
            items = value.value
            if items and all(isinstance(i, yaml.MappingNode) for i in items):
                for item in items:
                    block.add_block(key, _to_block(item, item.start_mark.line + 1))
            else:
                block.attrs[key] = Attr([_scalar(i) for i in items if isinstance(i, yaml.ScalarNode)], key_line)
        elif isinstance(value, yaml.ScalarNode):
            block.attrs[key] = Attr(_scalar(value), key_line)
    return block


def scan_knative(rel: str, text: str) -> tuple[list[Setting], list[dict[str, Any]], list[DataGap]]:
    """Settings and resources of every Knative Service/Job document in one YAML file."""
    specs = deploy_settings()["knative"]
    settings: list[Setting] = []
    resources: list[dict[str, Any]] = []
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        why = f"YAML syntax error: {str(exc).splitlines()[0]}"
        return [], [], [DataGap(source="repository", missing_signal=f"Cloud Run service definition in {rel}",
                                why_missing=why, follow_up=f"yamllint {rel}")]
    for doc in documents:
        if not isinstance(doc, yaml.MappingNode):
            continue
        root = _to_block(doc, doc.start_mark.line + 1)
        api = root.attrs.get("apiVersion")
        kind = root.attrs.get("kind")
        if not api or not kind or not any(m in str(api.value) for m in MARKERS) or kind.value not in specs:
            continue
        spec = specs[kind.value]
        name_item = root.blocks.get("metadata", [Block(0)])[0].attrs.get("name")
        target = str(name_item.value) if name_item else None
        resources.append({"kind": f"knative {kind.value}", "name": target, "path": rel, "line": root.line,
                          "target_name": target})
        ingress_first(root, spec, "knative")
        settings += resolve_settings(root, spec, rel_path=rel, origin="knative",
                                     resource=f"{kind.value}/{target}", target_name=target)
        settings += sidecar_settings(root, spec, "knative", rel_path=rel, origin="knative",
                                     resource=f"{kind.value}/{target}", target_name=target)
    return settings, resources, []

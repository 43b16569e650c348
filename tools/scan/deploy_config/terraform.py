"""Terraform: Cloud Run resources with exact lines and `var.x` resolved.

python-hcl2's dict output has no line numbers, so we walk the lark tree from
`hcl2.parses_to_tree` (its `attribute` and `block` nodes carry `meta.line`)
and evaluate only the simple expressions that matter for an incident:
literals, `var.x` (variables.tf default, then terraform.tfvars, then
*.auto.tfvars, as Terraform orders them), `local.x` and `tostring(...)`.
Anything else keeps its expression text and an unresolved value.

An attribute that is left out is reported with its platform default at the
line of the innermost block on its path that does exist: memory with no
`resources` block is reported at the `containers {` line; `timeout` at the
`template {` line. That is where a fix would add it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
from lark import Token, Tree

from tools.records import DataGap, Setting
from tools.scan.deploy_config.common import UNRESOLVED, Attr, Block, deploy_settings, literal, resolve_settings, unquote
from tools.scan.deploy_config.iam import iam_settings
from tools.scan.deploy_config.sidecars import ingress_first, sidecar_settings

_REF = re.compile(r"^(var|local)\.([A-Za-z_][\w-]*)$")
# Settings whose unknown value leaves an incident question open (a data gap), unlike image or account.
_SIDECAR_FAMILIES = {"google_cloud_run_v2_service": "terraform_v2", "google_cloud_run_service": "terraform_v1"}
_GAP_SETTINGS = {"min_instances", "max_instances", "concurrency", "timeout_seconds", "memory", "cpu", "cpu_throttled"}


def _token_text(node: Any) -> str:
    if isinstance(node, Token):
        return str(node)
    if isinstance(node, Tree):
        return "".join(_token_text(c) for c in node.children)
    return ""


def _source(text: str, node: Tree) -> str:
    meta = node.meta
    if getattr(meta, "empty", True):
        return _token_text(node)
    return text[meta.start_pos:meta.end_pos]


def _object_node(expr: Tree) -> Tree | None:
    node = expr
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    return node if isinstance(node, Tree) and node.data == "object" else None


def _tuple_objects(expr: Tree) -> list[Tree]:
    """The objects of a tuple expression whose every element is an object, else []."""
    node = expr
    while isinstance(node, Tree) and node.data == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if not isinstance(node, Tree) or node.data != "tuple":
        return []
    elements = [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
    objects = [_object_node(e) for e in elements]
    return [o for o in objects if o is not None] if elements and all(objects) else []


def _convert_body(text: str, body: Tree | None, block: Block) -> None:
    for child in body.children if body is not None else []:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name = _token_text(child.children[0]).strip()
            expr = [c for c in child.children[1:] if isinstance(c, Tree)][-1]
            obj = _object_node(expr)
            objects = _tuple_objects(expr)
            if obj is not None:
                block.add_block(name, _convert_object(text, obj, child.meta.line))
            elif objects:  # containers = [{...}, {...}] (module inputs): one block per object
                for item in objects:
                    line = item.meta.line if not getattr(item.meta, "empty", True) else child.meta.line
                    block.add_block(name, _convert_object(text, item, line))
            else:
                block.attrs[name] = Attr(UNRESOLVED, child.meta.line, _source(text, expr).strip())
        elif child.data == "block":
            block_type, labels, inner = "", [], None
            for part in child.children:
                if isinstance(part, Tree) and part.data == "body":
                    inner = part
                elif isinstance(part, Tree) and part.data in ("identifier", "string"):
                    value = unquote(_source(text, part))
                    if not block_type:
                        block_type = value
                    else:
                        labels.append(value)
            sub = Block(line=child.meta.line, labels=labels)
            _convert_body(text, inner, sub)
            if block_type == "dynamic" and labels:
                # dynamic "env" { content { ... } } declares env entries: treat content as the entry
                for content in sub.blocks.get("content", []):
                    content.line = sub.line
                    block.add_block(labels[0], content)
            else:
                block.add_block(block_type, sub)


def _convert_object(text: str, obj: Tree, line: int) -> Block:
    block = Block(line=line)
    for elem in obj.children:
        if not isinstance(elem, Tree) or elem.data != "object_elem":
            continue
        trees = [c for c in elem.children if isinstance(c, Tree)]
        key = unquote(_source(text, trees[0]).strip())
        value = trees[-1]
        elem_line = elem.meta.line if not getattr(elem.meta, "empty", True) else line
        inner = _object_node(value)
        if inner is not None:
            block.add_block(key, _convert_object(text, inner, elem_line))
        else:
            block.attrs[key] = Attr(UNRESOLVED, elem_line, _source(text, value).strip())
    return block


def parse_hcl(text: str) -> Block:
    """One .tf/.tfvars file as a Block tree (raises lark errors on bad syntax)."""
    root = Block(line=1)
    tree = hcl2.parses_to_tree(text if text.endswith("\n") else text + "\n")
    body = next((c for c in tree.children if isinstance(c, Tree) and c.data == "body"), None)
    _convert_body(text, body, root)
    return root


def evaluate(raw: str, scope: dict[str, tuple[Any, str]]) -> tuple[Any, str | None]:
    """(value, where the value came from) for an attribute expression; var/local refs go through scope."""
    text = raw.strip()
    for _ in range(4):
        interpolation = re.fullmatch(r'"\$\{([^}]*)\}"', text)
        conversion = re.fullmatch(r"(?:tostring|tonumber|tobool)\((.*)\)", text)
        if interpolation:
            text = interpolation.group(1).strip()
        elif conversion:
            text = conversion.group(1).strip()
        else:
            break
    ref = _REF.match(text)
    if ref:
        return scope.get(f"{ref.group(1)}.{ref.group(2)}", (UNRESOLVED, None))
    return literal(text), None


def _evaluate_tree(block: Block, scope: dict[str, tuple[Any, str]]) -> None:
    for attr in block.attrs.values():
        value, ref = evaluate(attr.expr or "", scope)
        attr.value = value
        if literal(attr.expr or "") is not UNRESOLVED:
            attr.expr = None  # a plain literal: nothing to explain
        attr.value_ref = ref
    for children in block.blocks.values():
        for child in children:
            _evaluate_tree(child, scope)


def _tfvars_order(directory: Path) -> list[Path]:
    files = [directory / "terraform.tfvars"] if (directory / "terraform.tfvars").is_file() else []
    return files + sorted(directory.glob("*.auto.tfvars"))


def scan_module(
    root: Path, tf_files: list[str], read: Any
) -> tuple[list[Setting], list[dict[str, Any]], list[str], list[DataGap]]:
    """Settings and resources of one Terraform module (one directory of .tf files)."""
    spec_by_type = deploy_settings()["terraform"]
    parsed: list[tuple[str, Block]] = []
    gaps: list[DataGap] = []
    files: list[str] = []
    for rel in tf_files:
        text = read(rel)
        if text is None:
            continue
        try:
            parsed.append((rel, parse_hcl(text)))
            files.append(rel)
        except Exception as exc:  # noqa: BLE001 - lark raises many types; any means "cannot parse this file"
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            gaps.append(_gap(rel, f"Terraform syntax error: {first}"))
    scope: dict[str, tuple[Any, str]] = {}
    for rel, block in parsed:
        for variable in block.blocks.get("variable", []):
            default = variable.attrs.get("default")
            if variable.labels and default is not None:
                scope[f"var.{variable.labels[0]}"] = (literal(default.expr or ""), f"{rel}:{default.line}")
    directory = (root / tf_files[0]).parent if tf_files else root
    for path in _tfvars_order(directory):
        rel = path.relative_to(root).as_posix()
        text = read(rel)
        if text is None:
            continue
        try:
            values = parse_hcl(text)
        except Exception as exc:  # noqa: BLE001
            gaps.append(_gap(rel, f"tfvars syntax error: {str(exc).strip().splitlines()[0]}"))
            continue
        files.append(rel)
        for name, attr in values.attrs.items():
            scope[f"var.{name}"] = (literal(attr.expr or ""), f"{rel}:{attr.line}")
    for rel, block in parsed:
        for local_block in block.blocks.get("locals", []):
            for name, attr in local_block.attrs.items():
                value, ref = evaluate(attr.expr or "", scope)
                scope[f"local.{name}"] = (value, ref or f"{rel}:{attr.line}")

    settings: list[Setting] = []
    resources: list[dict[str, Any]] = []
    for rel, block in parsed:
        for resource in block.blocks.get("resource", []):
            if len(resource.labels) < 2 or resource.labels[0] not in spec_by_type:
                continue
            kind, name = resource.labels[0], resource.labels[1]
            spec = spec_by_type[kind]
            _evaluate_tree(resource, scope)
            family = _SIDECAR_FAMILIES.get(kind)
            if family:
                ingress_first(resource, spec, family)
            target_attr = resource.attrs.get(spec["target_name"][0])
            target = target_attr.value if target_attr and isinstance(target_attr.value, str) else None
            resources.append({"kind": kind, "name": name, "path": rel, "line": resource.line, "target_name": target})
            found = resolve_settings(
                resource, spec, rel_path=rel, origin="terraform", resource=f"{kind}.{name}", target_name=target
            )
            for setting in found:
                expression = setting.get("expression") or ""
                if (expression.startswith("var.") and setting.get("value") is None
                        and setting["setting"] in _GAP_SETTINGS):
                    gaps.append(DataGap(
                        source="repository",
                        missing_signal=f"value of {setting['expression']} ({setting['setting']} of {kind}.{name})",
                        why_missing="no default in the module's variables and no terraform.tfvars / *.auto.tfvars",
                        follow_up=f"echo '{setting['expression']}' | terraform -chdir={Path(rel).parent} console",
                    ))
            settings.extend(found)
            if family:
                settings.extend(sidecar_settings(resource, spec, family, rel_path=rel, origin="terraform",
                                                 resource=f"{kind}.{name}", target_name=target))
            account = next((s.get("expression") for s in found if s["setting"] == "service_account"), None)
            settings.extend(iam_settings(parsed, account, resource=f"{kind}.{name}", target_name=target))
            settings.extend(_unordered_secret_grants(resource, found, parsed, rel, kind, name, target))
        for module in block.blocks.get("module", []):
            found_module = _module_settings(module, rel, scope, parsed)
            if found_module is not None:
                resources.append(found_module[0])
                settings.extend(found_module[1])
    return settings, resources, files, gaps


def _module_settings(module: Block, rel: str, scope: dict[str, tuple[Any, str]], parsed: list[tuple[str, Block]]
                     ) -> tuple[dict[str, Any], list[Setting]] | None:
    """A call of a known Cloud Run module (deploy_settings.yaml `terraform_modules`): its inputs as settings."""
    source = literal((module.attrs.get("source") or Attr(None, 0)).expr or "")
    if not module.labels or not isinstance(source, str):
        return None
    spec = next((s for s in (deploy_settings().get("terraform_modules") or {}).values()
                 if re.search(s["source"], source)), None)
    if spec is None:
        return None
    _evaluate_tree(module, scope)
    target_attr = module.attrs.get(spec["target_name"][0])
    target = target_attr.value if target_attr and isinstance(target_attr.value, str) else None
    address = f"module.{module.labels[0]}"
    found = resolve_settings(module, spec, rel_path=rel, origin="terraform", resource=address, target_name=target)
    account = next((s.get("expression") for s in found if s["setting"] == "service_account"), None)
    found += iam_settings(parsed, account, resource=address, target_name=target)
    return {"kind": f"module {source}", "name": module.labels[0], "path": rel, "line": module.line,
            "target_name": target}, found


_SECRET_GRANTS = ("google_secret_manager_secret_iam_member", "google_secret_manager_secret_iam_binding")


def _unordered_secret_grants(resource: Block, found: list[Setting], parsed: list[tuple[str, Block]], rel: str,
                             kind: str, name: str, target: str | None) -> list[Setting]:
    """Secret-access grants in the module that the Cloud Run resource reading a secret does not `depends_on`.

    Terraform creates independent resources in parallel, so the revision can be
    deployed before its service account may read the secret: the rollout fails
    with "Permission denied on secret" and works on the next apply.
    """
    if not any(s["setting"] == "secret_refs" and s.get("value") for s in found):
        return []
    depends = resource.attrs.get("depends_on")
    depends_text = (depends.expr or "") if depends is not None else ""
    out = []
    for grant_rel, block in parsed:
        for grant in block.blocks.get("resource", []):
            if len(grant.labels) < 2 or grant.labels[0] not in _SECRET_GRANTS:
                continue
            address = f"{grant.labels[0]}.{grant.labels[1]}"
            if address in depends_text:
                continue
            out.append(Setting(setting="secret_iam_unordered", value=address, is_default=False,
                               raw_ref=f"{grant_rel}:{grant.line}", source="repository", origin="terraform",
                               resource=f"{kind}.{name}", target_name=target))
    return out


def _gap(rel: str, why: str) -> DataGap:
    return DataGap(
        source="repository",
        missing_signal=f"declared Cloud Run configuration in {rel}",
        why_missing=why,
        follow_up=f"terraform -chdir={Path(rel).parent} validate",
    )

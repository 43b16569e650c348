"""Join declared configuration with what the runtime evidence names.

Rules (tools/analysis/rules.py) match one item at a time; some configuration facts
only matter next to a particular symptom:

- a permission denial names a permission (`cloudkms.cryptoKeyVersions.useToSign`)
  or an account (`actAs` on `runner@…`): the runtime account's grants on that
  API (`iam_grant`) and the account's definition (`service_account_resource`,
  tools/scan/deploy_config/iam.py) are where the fix goes, so they are marked
  `denied_api` / `denied` for the permission-denied rule to cite;
- a repository often holds one configuration per environment
  (`terraform-staging/`, `deploy/prod/`): the one whose environment the
  target project names is the one deployed, another environment's copy is
  excluded from the evidence.

Everything here annotates items built by tools/analysis/evidence/build.py (before wrappers
are folded); the vocabulary (environment words) lives in
tools/data/deploy_settings.yaml.
"""

from __future__ import annotations

import re
from typing import Any

from tools.analysis.evidence.items import render_signal, value_text
from tools.scan.deploy_config.common import deploy_settings

_PERMISSION = re.compile(
    r"(?:[Pp]ermission\s*['\"`]?|does not have |lacks? |missing )([a-z][a-zA-Z0-9]*\.[a-zA-Z0-9]+\.[a-zA-Z0-9]+)")
_ACCOUNT = re.compile(r"\b([a-z][a-z0-9-]{4,29})@[a-z0-9.-]+\.iam\.gserviceaccount\.com")
_RUNTIME_KINDS = {"stdout", "stderr", "requests", "system", ""}
_LABEL = "permission-denied"


def _denial_texts(bundle: dict[str, Any], items: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """(message, raised by the running code) for every permission-denied message in the window."""
    texts: list[tuple[str, bool]] = []
    for hit in bundle.get("signature_hits") or []:
        if _LABEL not in (hit.get("labels") or []):
            continue
        for example in hit.get("examples") or []:
            kind = str(example.get("log_kind") or "")
            texts.append((str(example.get("message") or ""), kind in _RUNTIME_KINDS))
    for item in items:
        attrs = item.get("attrs") or {}
        if item["type"] in ("condition", "deploy") and _LABEL in (attrs.get("labels") or []):
            texts.append((str(attrs.get("message") or ""), False))
    return texts


def mark_denied_grants(items: list[dict[str, Any]], bundle: dict[str, Any]) -> None:
    """Mark the runtime account's grants on a denied API and the account a denial concerns."""
    texts = _denial_texts(bundle, items)
    if not texts:
        return
    apis = {m.group(1).split(".")[0].lower() for text, _ in texts for m in _PERMISSION.finditer(text)}
    for pattern, api in (deploy_settings().get("denied_resource_apis") or {}).items():
        if any(re.search(pattern, text) for text, _ in texts):
            apis.add(api)
    permissions = sorted({m.group(1) for text, _ in texts for m in _PERMISSION.finditer(text)})
    named = {m.group(1) for text, _ in texts for m in _ACCOUNT.finditer(text)}
    from_runtime = any(runtime for _, runtime in texts)
    for item in items:
        attrs = item.get("attrs") or {}
        if item["type"] != "setting" or item.get("excluded"):
            continue
        if attrs.get("setting") == "iam_grant" and apis & {str(a).lower() for a in attrs.get("apis") or []}:
            attrs["denied_api"] = True
            attrs["denied_permissions"] = permissions
            item["signal"] = render_signal(["setting.iam_grant.denied", "setting.iam_grant"], {
                **attrs, "value_text": value_text(attrs.get("value")),
                "permissions": ", ".join(permissions) or "?"})
        elif attrs.get("setting") == "service_account" and isinstance(attrs.get("value"), str):
            # a deploy flag or live field naming the account a denial names (actAs on it, its secret read)
            attrs["named_in_denial"] = attrs["value"].split("@")[0] in named
            # the code's own call was refused: it ran as this account, which is where the grant goes
            attrs["runtime_denied"] = from_runtime
        elif attrs.get("setting") == "service_account_resource":
            account = str(attrs.get("account") or attrs.get("value") or "")
            attrs["named_in_denial"] = account in named
            # a denial the running code logged was made as the runtime account; one that names the
            # account (actAs on it) concerns it whoever was refused
            attrs["denied"] = from_runtime or account in named
            attrs["denied_permissions"] = permissions


def _environments() -> dict[str, str]:
    """word -> environment, e.g. stg -> staging, prd -> production."""
    out: dict[str, str] = {}
    for env, words in (deploy_settings().get("environment_words") or {}).items():
        for word in [env, *words]:
            out[str(word).lower()] = env
    return out


def _env_of(text: str, words: dict[str, str]) -> set[str]:
    return {words[t] for t in re.split(r"[^a-z0-9]+", text.lower()) if t in words}


def prefer_target_environment(items: list[dict[str, Any]], project_id: str | None) -> None:
    """Exclude declared settings from another environment's directory than the target project's.

    `terraform-dev/…` and `terraform-staging/…` both declare the service; a
    target project `app-stg-1234` runs the staging one. A path that names no
    environment stays, a little weaker than the one that names the target's.
    """
    words = _environments()
    wanted = _env_of(project_id or "", words)
    if len(wanted) != 1:
        return
    declared = [i for i in items if i["type"] == "setting" and i["source"] == "repository" and not i.get("excluded")]
    paths = {i["raw_ref"].rsplit(":", 1)[0]: _env_of(i["raw_ref"].rsplit(":", 1)[0], words) for i in declared}
    if not any(envs == wanted for envs in paths.values()):
        return
    env = next(iter(wanted))
    for item in declared:
        envs = paths[item["raw_ref"].rsplit(":", 1)[0]]
        if envs and envs != wanted:
            item["excluded"] = f"declares the {'/'.join(sorted(envs))} environment; the target project is {env}"
        elif not envs:
            item["strength"] = round(float(item.get("strength", 1.0)) * 0.9, 3)


def prefer_live_match(items: list[dict[str, Any]]) -> None:
    """Weaken declared settings of a resource that disagrees with the live service more than another does.

    Two definitions of one service (a variant file, one template per language)
    each declare it; the one whose values the live configuration contradicts
    (mark_excluded: "live config says …") is less likely the one deployed, so
    its remaining settings are cited after the other's.
    """
    declared = [i for i in items if i["type"] == "setting" and i["source"] == "repository"]
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for item in declared:
        folder = item["raw_ref"].rsplit(":", 1)[0].rpartition("/")[0]
        resource = str((item.get("attrs") or {}).get("resource") or "")
        groups.setdefault((str(item.get("service") or ""), folder, resource), []).append(item)
    conflicts = {key: sum(str(i.get("excluded") or "").startswith("live config says") for i in group)
                 for key, group in groups.items()}
    for key, group in groups.items():
        rivals = [conflicts[k] for k in groups if k[0] == key[0] and k != key]
        if rivals and conflicts[key] > min(rivals):
            for item in group:
                item["strength"] = round(float(item.get("strength", 1.0)) * 0.85, 3)


def mark_sidecar_refusals(items: list[dict[str, Any]], bundle: dict[str, Any]) -> None:
    """A connection refused on localhost in a service whose sidecar starts unordered is the start order.

    The dependency lives in the same instance and was simply not up yet: the
    refusal is relabelled with the start-order cause first (deploy_settings.yaml
    `sidecar_start_order`), so the probe failure and exit it causes fold into it.
    """
    sidecars = [i for i in items if i["type"] == "setting" and not i.get("excluded")
                and (i.get("attrs") or {}).get("setting") == "sidecar_unordered"]
    spec = deploy_settings().get("sidecar_start_order") or {}
    if not sidecars or not spec:
        return
    loopback = re.compile(spec["loopback"])
    refs = {(str(hit.get("signature_id")), str((hit.get("examples") or [{}])[0].get("raw_ref") or ""))
            for hit in bundle.get("signature_hits") or [] if hit.get("signature_id") in spec["signatures"]
            and any(loopback.search(str(e.get("message") or "")) for e in hit.get("examples") or [])}
    for item in items:
        attrs = item.get("attrs") or {}
        if item["type"] == "signature" and (str(attrs.get("signature_id")), item["raw_ref"]) in refs:
            labels = list(dict.fromkeys([*spec["labels"], *(attrs.get("labels") or [])]))
            attrs.update(labels=labels, primary_label=labels[0], label_count=len(labels), to_sidecar=True)
            for sidecar in sidecars:
                sidecar["attrs"]["refused_by_sidecar"] = True


def mark_arch_mismatch(items: list[dict[str, Any]]) -> None:
    """An image built without a platform, where the container could not even be executed (exec format error)."""
    wanted = set(deploy_settings().get("image_platform_signatures") or [])
    if not any(i["type"] == "signature" and not i.get("excluded") and i["attrs"].get("signature_id") in wanted
               for i in items):
        return
    for item in items:
        if item["type"] == "setting" and item["attrs"].get("setting") == "image_platform":
            item["attrs"]["arch_mismatch"] = True


def join_config(items: list[dict[str, Any]], bundle: dict[str, Any]) -> None:
    """All joins of declared configuration with the runtime evidence (see the module docstring)."""
    mark_arch_mismatch(items)
    mark_sidecar_refusals(items, bundle)
    prefer_target_environment(items, (bundle.get("target") or {}).get("project_id"))
    prefer_live_match(items)
    mark_denied_grants(items, bundle)

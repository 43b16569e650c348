"""Terraform IAM around a Cloud Run resource: its service account and the roles granted to it.

A permission denial names a permission (`cloudkms.cryptoKeyVersions.useToSign`)
or an account (`iam.serviceAccounts.actAs` on `runner@…`). The fix is a grant
in the Terraform that defines the runtime account, so the report should cite
either the IAM block that grants that account roles on the same API (the grant
that is there but does not carry the permission) or, when no such grant
exists, the `google_service_account` block the missing grant must name.

This module reads the parsed blocks of one Terraform module (tools/scan/deploy_config/terraform.py)
and returns two kinds of Settings, with exact lines:

- `service_account_resource`: the `google_service_account` a Cloud Run
  resource runs as (value: its account_id), and
- `iam_grant`: every `google_*_iam_member` / `_binding` whose member names
  that account (value: the role; detail: the API the grant is about).

Which API a grant resource is about lives in tools/data/deploy_settings.yaml
(`iam_resource_apis`), not here.
"""

from __future__ import annotations

import re

from tools.records import Setting
from tools.scan.deploy_config.common import UNRESOLVED, Attr, Block, deploy_settings, literal

_ACCOUNT_REF = re.compile(r"google_service_account\.([A-Za-z_][\w-]*)")
_GRANT = re.compile(r"^google_[a-z0-9_]+_iam_(member|binding)$")
_ROLE_API = re.compile(r"roles/([a-z]+)\.")


def _text(attr: Attr | None) -> str:
    """An attribute's literal value, else its expression as written (blocks outside the Cloud Run
    resource are not evaluated: a plain string literal is unquoted here)."""
    if attr is None:
        return ""
    if attr.value not in (None, UNRESOLVED) and not attr.expr:
        return str(attr.value)
    value = literal(attr.expr or "")
    return str(value) if isinstance(value, str | int | float) else (attr.expr or "")


def grant_apis(resource_type: str, role: str) -> list[str]:
    """The APIs a grant is about: from the roles written (`roles/cloudkms.x` -> cloudkms), else the resource type."""
    apis = list(dict.fromkeys(_ROLE_API.findall(role)))
    if apis:
        return apis
    for prefix, api in (deploy_settings().get("iam_resource_apis") or {}).items():
        if resource_type.startswith(prefix):
            return [api]
    return []


def _accounts(parsed: list[tuple[str, Block]]) -> dict[str, tuple[str, Block]]:
    """`google_service_account.NAME` -> (file, block) for every account the module defines."""
    out: dict[str, tuple[str, Block]] = {}
    for rel, block in parsed:
        for resource in block.blocks.get("resource", []):
            if len(resource.labels) >= 2 and resource.labels[0] == "google_service_account":
                out[resource.labels[1]] = (rel, resource)
    return out


def iam_settings(parsed: list[tuple[str, Block]], account_expr: str | None, *, resource: str,
                 target_name: str | None) -> list[Setting]:
    """The runtime account's definition and the grants naming it, for one Cloud Run resource.

    `account_expr` is the resource's service account attribute as written
    (e.g. `google_service_account.app.email`); nothing is returned when it
    does not name an account this module defines.
    """
    match = _ACCOUNT_REF.search(account_expr or "")
    accounts = _accounts(parsed)
    if not match or match.group(1) not in accounts:
        return []
    name = match.group(1)
    rel, account = accounts[name]
    account_value = _text(account.attrs.get("account_id")) or name
    base = {"source": "repository", "origin": "terraform", "resource": resource, "target_name": target_name}
    out = [Setting(setting="service_account_resource", value=account_value, is_default=False,
                   raw_ref=f"{rel}:{account.line}", detail={"account": account_value}, **base)]  # type: ignore[typeddict-item]
    member_ref = re.compile(rf"google_service_account\.{re.escape(name)}\b")
    for grant_rel, block in parsed:
        for grant in block.blocks.get("resource", []):
            if len(grant.labels) < 2 or not _GRANT.match(grant.labels[0]):
                continue
            members = _text(grant.attrs.get("member")) + " " + _text(grant.attrs.get("members"))
            # a grant *on* the runtime account (who may act as it: deployers need actAs) counts as well
            on_account = grant.labels[0].startswith("google_service_account_iam_") and member_ref.search(
                _text(grant.attrs.get("service_account_id")))
            if not member_ref.search(members) and not on_account:
                continue
            role = _text(grant.attrs.get("role"))
            if role.startswith("each.") and grant.attrs.get("for_each") is not None:
                # for_each = toset(["roles/a", "roles/b"]): one block, several roles
                role = ", ".join(re.findall(r"roles/[\w.]+", _text(grant.attrs.get("for_each")))) or role
            detail = {"account": account_value, "grant_type": grant.labels[0], "on_account": bool(on_account),
                      "apis": grant_apis(grant.labels[0], role), "role": role}
            out.append(Setting(setting="iam_grant", value=role, is_default=False,
                               raw_ref=f"{grant_rel}:{grant.line}", detail=detail, **base))  # type: ignore[typeddict-item]
    return out

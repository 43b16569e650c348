"""The specific cause explains the generic wrapper around it.

"Revision is not ready", "container failed to start and listen on the port",
`Container called exit(1)`, a failed job execution: these are consequences.
When the same revision (or, lacking revision labels, the same window) also
carries a specific failure message (a missing variable, a denied permission,
a memory kill, a connection timeout), that message is the symptom and the
wrapper is folded into it: the wrapper item takes the specific item's labels
and records `explained_by`, so it counts for the cause it is a consequence
of, and no longer for `image-or-deploy-failure` or `job-task-failure`.

How specific a signature is lives in the catalog (`specificity:` in
tools/data/signatures.yaml; 1 = a wrapper that only says something failed,
2 = a platform symptom several causes produce, 3 = the default, a named
cause); `explains:` optionally limits what a signature may fold, and
`explains_peers:` names signatures of its own level it explains (a container
that exited during start-up explains the start-up probe that then failed). A
failed condition or audit entry whose message matches no signature is a wrapper.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from tools.analysis.signatures import load_signatures

SPECIFIC = 3
_FAILURE = {"WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"}


@cache
def _catalog() -> tuple[dict[str, int], dict[str, tuple[str, ...]]]:
    specificity, explains = {}, {}
    for sig in load_signatures():
        specificity[sig["id"]] = int(sig.get("specificity") or SPECIFIC)
        if sig.get("explains"):
            explains[sig["id"]] = tuple(sig["explains"])
    return specificity, explains


@cache
def _peers() -> dict[str, frozenset[str]]:
    return {sig["id"]: frozenset(sig["explains_peers"]) for sig in load_signatures() if sig.get("explains_peers")}


def _peer(cause: dict[str, Any], wrapper: dict[str, Any]) -> bool:
    """The cause names the wrapper as a same-level consequence (explains_peers) and they share a level."""
    named = _peers().get(str((cause.get("attrs") or {}).get("signature_id")), frozenset())
    return bool(named & set(_ids(wrapper))) and item_specificity(cause) == item_specificity(wrapper)


def _ids(item: dict[str, Any]) -> list[str]:
    attrs = item.get("attrs") or {}
    if item["type"] == "signature":
        return [str(attrs.get("signature_id"))]
    return [str(s) for s in attrs.get("signature_ids") or []]


def item_specificity(item: dict[str, Any]) -> int | None:
    """How specific a failure item is; None for items that are not failure messages."""
    specificity, _ = _catalog()
    attrs = item.get("attrs") or {}
    if item["type"] == "signature":
        return specificity.get(str(attrs.get("signature_id")), SPECIFIC)
    if item["type"] in ("condition", "deploy") and attrs.get("failed"):
        ids = _ids(item)
        return max((specificity.get(i, SPECIFIC) for i in ids), default=1)
    if item["type"] == "execution" and (attrs.get("failed_count") or 0) > 0:
        return 1
    return None


def _explainer(item: dict[str, Any]) -> bool:
    """A failure message that names its cause: a log line, or a failed condition or audit entry whose
    message matched a specific signature (a missing secret version said in a revision's condition)."""
    attrs = item.get("attrs") or {}
    if item.get("excluded") or not attrs.get("labels"):
        return False
    if item["type"] in ("condition", "deploy"):
        return bool(attrs.get("failed")) and item_specificity(item) == SPECIFIC and not attrs.get("explained_by")
    return (item["type"] == "signature" and not attrs.get("context")
            and str(attrs.get("severity") or "").upper() in _FAILURE)


def _same_scope(wrapper: dict[str, Any], cause: dict[str, Any]) -> bool:
    ours, theirs = set(wrapper.get("revisions") or []), set(cause.get("revisions") or [])
    return not ours or not theirs or bool(ours & theirs)


def _allowed(cause: dict[str, Any], wrapper: dict[str, Any]) -> bool:
    _, explains = _catalog()
    limits = explains.get(str((cause.get("attrs") or {}).get("signature_id")))
    return limits is None or bool(set(limits) & set(_ids(wrapper)))


def fold_wrappers(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Relabel every wrapper a more specific failure in its scope explains; returns the same list."""
    causes = [i for i in items if _explainer(i)]
    for item in items:
        level = item_specificity(item)
        if level is None or level >= SPECIFIC or item.get("excluded"):
            continue
        better = [c for c in causes if c is not item and _same_scope(item, c)
                  and (((item_specificity(c) or 0) > level and _allowed(c, item)) or _peer(c, item))]
        if not better:
            continue
        best = max(better, key=lambda c: (item_specificity(c) or 0, float(c.get("strength") or 0)))
        attrs = item["attrs"]
        cause = list(best["attrs"]["labels"])
        wrapped = [label for label in attrs.get("labels") or [] if label not in cause]
        # the cause's labels first (it is their symptom); the wrapper's own stay behind them, so its
        # label is still listed (a job's failed execution) but cannot win over the cause
        attrs.update(explained_by=best["id"], labels=cause + wrapped, primary_label=cause[0],
                     label_count=len(cause), wrapped_labels=wrapped)
    return items

"""A SIGTERM handler the signal cannot reach is no evidence of graceful shutdown.

When the image starts with a package-manager launcher as PID 1 (`CMD ["npm",
"start"]`, tools/scan/deploy_config/dockerfile.py), Cloud Run's SIGTERM stops at npm and
the app's `process.on("SIGTERM")` never runs. The handler found in the code
would otherwise argue against `graceful-shutdown-missing`; it is marked
`signal_blocked_by` (the launcher's item id) so the rule's `against` clause
skips it.
"""

from __future__ import annotations

from typing import Any


def block_unreachable_handlers(items: list[dict[str, Any]]) -> None:
    launchers = [i for i in items if i["type"] == "setting" and not i.get("excluded")
                 and i["attrs"].get("setting") == "pid1_launcher"
                 and i["attrs"].get("deployed_dockerfile") is not False]  # not another image's Dockerfile
    if not launchers:
        return
    for item in items:
        attrs = item.get("attrs") or {}
        if item["type"] == "finding" and attrs.get("category") == "signal-handling" \
                and attrs.get("pattern") == "sigterm-handler":
            attrs["signal_blocked_by"] = launchers[0]["id"]

"""What a new revision broke: failures that start with it and that the revision before it did not have.

A regression rarely announces itself with a platform message. The request log
shows it as an endpoint whose 4xx share jumps on the new revision (a missing
binary answers 400, not 500), and the application log as a warning or error
line the new revision prints on every call and the old one never printed.
5xx and 429 are left to the status rules that already read them: a 504 after
a deploy is as often a sandbox hang or a slow dependency as the change itself,
and the specific cause must stay visible. Both are measured symptoms of `bad-deploy-regression`; comparing the
two revisions side by side is what tells them from errors the service always
had (scanners' 404s, a client's usual 400s).

Lines the signature catalog recognises are left to their own cause: a
`KeyError` for a missing variable is `missing-config-or-secret` however new it is.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from tools.analysis.evidence.items import make_item, one_line

MIN_FAILURES = 5  # on the new revision, for one endpoint or one message
MIN_RATE = 0.2  # the endpoint's failure share on the new revision ...
RATE_FACTOR = 3.0  # ... at least this many times the old revision's (plus RATE_MARGIN)
RATE_MARGIN = 0.05
PER_REQUEST = 0.05  # a new log line must come with at least this share of the new revision's requests
MAX_ITEMS = 3
_APP_KINDS = {"stdout", "stderr"}
_LOUD = {"WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"}
_MASK = re.compile(r"(?<![A-Za-z])\d[\w.:-]*|\b(?=[a-f]*\d)[0-9a-f]{8,}\b")
_PATH_ID = re.compile(r"/(?!v\d+(?:/|$))(?=[^/]*\d)[^/]+")  # ids, hashes, dates; not an API version


def _revision(record: dict[str, Any]) -> str | None:
    return (record.get("resource") or {}).get("revision_name")


def _service(record: dict[str, Any]) -> str | None:
    resource = record.get("resource") or {}
    return resource.get("service_name") or resource.get("job_name")


def _revision_pairs(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(old, new) revisions in the order they first appear: each new one against the one before it."""
    first: dict[str, str] = {}
    for record in records:
        revision, ts = _revision(record), str(record.get("timestamp") or "")
        if revision and ts and (revision not in first or ts < first[revision]):
            first[revision] = ts
    ordered = sorted(first, key=lambda r: first[r])
    return list(zip(ordered, ordered[1:], strict=False))


def _path(record: dict[str, Any]) -> str:
    path = str((record.get("http") or {}).get("path") or "?").split("?", 1)[0]
    return _PATH_ID.sub("/<id>", path)


def _status_regressions(requests: list[dict[str, Any]], old: str, new: str) -> list[dict[str, Any]]:
    totals: dict[str, Counter[tuple[str, int]]] = {old: Counter(), new: Counter()}
    bad: dict[str, Counter[tuple[str, int]]] = {old: Counter(), new: Counter()}
    first: dict[tuple[str, int], dict[str, Any]] = {}
    last: dict[tuple[str, int], str] = {}
    for record in requests:
        revision = _revision(record)
        if revision not in totals:
            continue
        status, path = int(record["http"]["status"]), _path(record)
        for code in {status} if 400 <= status < 500 and status != 429 else set():
            bad[revision][(path, code)] += 1
            if revision == new and ((path, code) not in first
                                    or record.get("timestamp", "") < first[(path, code)].get("timestamp", "")):
                first[(path, code)] = record
            if revision == new:
                last[(path, code)] = max(last.get((path, code), ""), record.get("timestamp", ""))
        totals[revision][(path, 0)] += 1
    found = []
    for (path, code), count in bad[new].items():
        rate = count / max(1, totals[new][(path, 0)])
        before = bad[old][(path, code)] / totals[old][(path, 0)] if totals[old][(path, 0)] else 0.0
        if count >= MIN_FAILURES and rate >= MIN_RATE and rate >= RATE_FACTOR * before + RATE_MARGIN:
            found.append({"kind": "status", "code": code, "path": path, "count": count, "rate": round(rate, 4),
                          "previous_rate": round(before, 4), "record": first[(path, code)],
                          "last": last.get((path, code)) or None})
    return found


def _log_regressions(records: list[dict[str, Any]], old: str, new: str, matcher: Any,
                     served: int) -> list[dict[str, Any]]:
    """Warning/error lines the new revision prints and the old one never did. A line must come with the
    traffic (at least PER_REQUEST of the new revision's requests), not once per instance start: a start-up
    deprecation warning is new on every revision whose instances started in the window."""
    counts: dict[str, Counter[str]] = {old: Counter(), new: Counter()}
    first: dict[str, dict[str, Any]] = {}
    last: dict[str, str] = {}
    for record in records:
        revision = _revision(record)
        if (revision not in counts or record.get("log_kind") not in _APP_KINDS
                or str(record.get("severity") or "").upper() not in _LOUD):
            continue
        text = one_line(str(record.get("message") or ""), 200)
        template = _MASK.sub("<N>", text)
        counts[revision][template] += 1
        if revision == new and (template not in first
                                or record.get("timestamp", "") < first[template].get("timestamp", "")):
            first[template] = record
        if revision == new:
            last[template] = max(last.get(template, ""), record.get("timestamp", ""))
    found = []
    for template, count in counts[new].items():
        if (count >= max(MIN_FAILURES, PER_REQUEST * served) and not counts[old][template]
                and not matcher.match(first[template])):
            found.append({"kind": "log", "template": template, "count": count, "record": first[template],
                          "last": last.get(template) or None})
    return found


def regression_items(records: list[dict[str, Any]], target_name: str | None) -> list[dict[str, Any]]:
    """Items for failures the newest revisions brought: per endpoint and status, and per new log line."""
    from tools.analysis.signatures import default_matcher

    ours = [r for r in records if not target_name or _service(r) in (None, target_name)]
    requests = [r for r in ours if (r.get("http") or {}).get("status") is not None]
    found: list[tuple[str, str, dict[str, Any]]] = []
    for old, new in _revision_pairs(ours):
        found += [(old, new, f) for f in _status_regressions(requests, old, new)]
        served = sum(1 for r in requests if _revision(r) == new)
        found += [(old, new, f) for f in _log_regressions(ours, old, new, default_matcher(), served)]
    found.sort(key=lambda x: -x[2]["count"])
    items = []
    for index, (old, new, finding) in enumerate(found[:MAX_ITEMS]):
        record, last = finding.pop("record"), finding.pop("last", None)
        if finding["kind"] == "status":
            signal = {"en": f"HTTP {finding['code']} on {finding['path']} rose to {100 * finding['rate']:.0f}% "
                            f"({finding['count']} requests) on revision `{new}`, from "
                            f"{100 * finding['previous_rate']:.0f}% on `{old}`",
                      "ja": f"リビジョン `{new}` で {finding['path']} の HTTP {finding['code']} が "
                            f"{100 * finding['rate']:.0f}%（{finding['count']} 件）に増えた（`{old}` では "
                            f"{100 * finding['previous_rate']:.0f}%）"}
        else:
            signal = {"en": f"{finding['count']}× new on revision `{new}` (never logged by `{old}`): "
                            f"{one_line(str(record.get('message') or ''), 160)}",
                      "ja": f"リビジョン `{new}` で新たに {finding['count']} 件（`{old}` では出ていない）: "
                            f"{one_line(str(record.get('message') or ''), 160)}"}
        items.append(make_item(
            f"regression:{index}", "regression", "cloud_logging", record.get("raw_ref", ""),
            record.get("timestamp", ""), static=False,
            attrs={**finding, "revision": new, "previous_revision": old, "last_seen": last},
            confidence="high" if finding["count"] >= 10 else "medium", strength=1.0,
            signal=signal, service=target_name, revisions=[new],
        ))
    return items

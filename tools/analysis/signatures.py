"""Match normalized log records against the failure-signature catalog.

The catalog (tools/data/signatures.yaml) holds the knowledge: which Cloud Run
texts mean what, which labels they support, and the standard fix. This module
only compiles it and counts hits, so that adding a signature never needs code.

Cost model: most entries of a real incident are healthy 2xx request logs, so
those are never examined, and every other entry first meets ONE combined
alternation regex of all signatures; only the few entries it finds go through
the per-signature regexes. Hits are grouped by (signature, service or job) so a
report can say "OOM_LIMIT x 41 on checkout, revisions a and b" instead of
listing 41 lines, and so another service's errors stay separate (red herrings).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypedDict

import yaml

from tools.analysis.signature_prescreen import MIN_LITERAL, _trie_regex, required_literals
from tools.errors import InputError
from tools.paths import DATA
from tools.records import LogRecord

SIGNATURES_PATH = DATA / "signatures.yaml"
ROOT_CAUSES_PATH = DATA / "root_causes.yaml"

LOG_KINDS = ("requests", "stdout", "stderr", "system", "audit_activity", "audit_system_event")
SEVERITIES = ("DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY")
REQUIRED_FIELDS = ("id", "regex", "log_kinds", "severity", "labels", "meaning", "fix", "source")

# Only the head of a message is searched: a 256 KiB stack trace must not cost
# 256 KiB of regex work, and every catalog fragment sits near the start.
MAX_SCAN_CHARS = 8192
MAX_EXAMPLES = 3
MAX_IDS = 20  # revisions / instance ids kept per hit
MAX_MINUTES = 1440  # distinct minutes counted per hit (a day)
EXAMPLE_MESSAGE_CHARS = 300
CACHE_ENTRIES = 4096  # exact-text results remembered (cleared when full: memory stays bounded)
CACHE_TEXT_CHARS = 400


class SignatureExample(TypedDict):
    timestamp: str
    insert_id: str
    raw_ref: str
    message: str
    revision: str | None
    service: str | None
    log_kind: str


class SignatureHit(TypedDict, total=False):
    signature_id: str
    labels: list[str]
    severity: str
    context: bool  # lifecycle line (instance start, shutdown, deploy): timing evidence, weak alone
    transient: bool  # a network error clients retry: a brief burst of it is a blip, not a cause
    direct: bool  # a platform message that names its first label itself
    http_status: int | None
    meaning: dict[str, str]  # {en, ja}
    fix: dict[str, str]  # {en, ja}
    source: str
    service: str  # the group key: service or job name ("" when unknown)
    count: int
    first_seen: str
    last_seen: str
    services: list[str]
    revisions: list[str]
    instance_ids: list[str]  # capped at MAX_IDS
    instance_count: int  # distinct instance ids seen, capped at MAX_IDS + 1 ("more than")
    minutes: int  # distinct minutes the lines were seen in: a burst or a failure that persists
    examples: list[SignatureExample]  # the earliest MAX_EXAMPLES


def _known_labels() -> set[str]:
    data = yaml.safe_load(ROOT_CAUSES_PATH.read_text(encoding="utf-8"))
    return {row["label"] for row in data["labels"]}


def _validate(sig: Any, index: int, labels: set[str], where: Path) -> dict[str, Any]:
    """One signature entry checked up front, so a typo fails at load with its id, not at match time."""
    if not isinstance(sig, dict):
        raise InputError(f"{where}: signature #{index} is not a mapping")
    sid = sig.get("id", f"#{index}")
    missing = [f for f in REQUIRED_FIELDS if f not in sig]
    if missing:
        raise InputError(f"{where}: signature {sid} lacks {', '.join(missing)}")
    bad_kinds = [k for k in sig["log_kinds"] if k not in LOG_KINDS]
    if bad_kinds:
        raise InputError(f"{where}: signature {sid} has unknown log_kinds {bad_kinds}")
    bad_labels = [lb for lb in sig["labels"] if lb not in labels]
    if bad_labels:
        raise InputError(f"{where}: signature {sid} has labels outside the taxonomy {bad_labels}")
    if sig["severity"] not in SEVERITIES:
        raise InputError(f"{where}: signature {sid} has unknown severity {sig['severity']!r}")
    for field in ("meaning", "fix"):
        if not isinstance(sig[field], dict) or not sig[field].get("en") or not sig[field].get("ja"):
            raise InputError(f"{where}: signature {sid} needs {field}.en and {field}.ja")
    try:
        compiled = re.compile(sig["regex"], re.IGNORECASE)
    except re.error as exc:
        raise InputError(f"{where}: signature {sid} has a bad regex: {exc}") from exc
    if sig.get("specificity", 3) not in (1, 2, 3):
        raise InputError(f"{where}: signature {sid} has specificity {sig['specificity']!r}; use 1, 2 or 3")
    if compiled.groupindex:
        raise InputError(f"{where}: signature {sid} uses named groups (they clash in the combined prescreen)")
    return sig


def load_signatures(path: str | Path | None = None) -> list[dict[str, Any]]:
    """The catalog as a list of dicts, validated (ids unique, labels from the taxonomy, regexes compile)."""
    where = Path(path) if path else SIGNATURES_PATH
    try:
        data = yaml.safe_load(where.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{where}: cannot read signature catalog: {exc.strerror}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: not valid YAML: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("signatures"), list):
        raise InputError(f"{where}: expected a top-level `signatures:` list")
    labels = _known_labels()
    sigs = [_validate(sig, i, labels, where) for i, sig in enumerate(data["signatures"])]
    seen: set[str] = set()
    for sig in sigs:
        if sig["id"] in seen:
            raise InputError(f"{where}: duplicate signature id {sig['id']}")
        seen.add(sig["id"])
    for sig in sigs:
        unknown = (set(sig.get("explains") or []) | set(sig.get("overrides") or [])) - seen
        if unknown:
            raise InputError(f"{where}: signature {sig['id']} explains or overrides unknown signatures "
                             f"{sorted(unknown)}")
    return sigs


def _check_kind(kind: str | None) -> str:
    """Normalized kind to the catalog's kinds: unknown app output is treated as stdout."""
    if kind in LOG_KINDS:
        return kind  # type: ignore[return-value]
    return "stdout"


class SignatureMatcher:
    """Compiled catalog: `match(record)` returns the signatures a record carries.

    Built once per investigation; the combined prescreen regex makes a
    non-matching entry cost one regex search.
    """

    def __init__(self, signatures: list[dict[str, Any]] | None = None) -> None:
        self.signatures = signatures if signatures is not None else load_signatures()
        self.by_id = {s["id"]: s for s in self.signatures}
        literals: set[str] = set()
        fallback: list[str] = []
        for sig in self.signatures:
            lits = required_literals(sig["regex"])
            if lits and min(len(x) for x in lits) >= MIN_LITERAL:
                literals.update(lits)
            else:
                fallback.append(f"(?:{sig['regex']})")
        # ONE alternation over the required fragments, searched in the lower-cased text; signatures
        # without a usable fragment keep their full regex in a (rarely non-empty) IGNORECASE fallback.
        self.literals = frozenset(literals)  # what the prescreen searches for (the SQL path reuses them)
        self.prescreen = re.compile(_trie_regex(literals))
        self.fallback = re.compile("|".join(fallback), re.IGNORECASE) if fallback else None
        self._cache: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # per kind: (signature, its required fragments or None, compiled regex); a signature's regex only
        # runs when one of its fragments is in the lower-cased text (substring tests are ~20x cheaper)
        self._by_kind: dict[str, list[tuple[dict[str, Any], tuple[str, ...] | None, re.Pattern[str]]]] = {
            k: [] for k in LOG_KINDS
        }
        for sig in self.signatures:
            compiled = re.compile(sig["regex"], re.IGNORECASE)
            lits = required_literals(sig["regex"])
            gate = tuple(lits) if lits and min(len(x) for x in lits) >= MIN_LITERAL else None
            for kind in sig["log_kinds"]:
                self._by_kind[kind].append((sig, gate, compiled))

    @staticmethod
    def wants(record: LogRecord) -> bool:
        """False for successful (2xx) request entries Cloud Run logged at INFO: healthy traffic carries no
        failure signature. A 2xx at WARNING does ("Truncated response body": a stream cut by a shutdown)."""
        if record.get("log_kind") == "requests":
            status = (record.get("http") or {}).get("status")
            quiet = str(record.get("severity") or "DEFAULT").upper() in ("DEFAULT", "DEBUG", "INFO", "NOTICE")
            if status is not None and 200 <= status < 300 and quiet:
                return False
        return bool(record.get("message"))

    def match_message(self, message: str, kind: str) -> list[dict[str, Any]]:
        """Signatures whose regex matches `message` and that may appear in log kind `kind`."""
        text = message[:MAX_SCAN_CHARS]
        key = (kind, text)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        low = text.lower()
        if self.prescreen.search(low) is None and (self.fallback is None or not self.fallback.search(text)):
            found: list[dict[str, Any]] = []
        else:
            found = _without_overridden([
                sig for sig, gate, rx in self._by_kind[_check_kind(kind)]
                if (gate is None or any(lit in low for lit in gate)) and rx.search(text)
            ])
        if len(text) <= CACHE_TEXT_CHARS:  # platform texts repeat verbatim; app lines mostly do not
            if len(self._cache) >= CACHE_ENTRIES:
                self._cache.clear()
            self._cache[key] = found
        return found

    def match(self, record: LogRecord) -> list[dict[str, Any]]:
        if not self.wants(record):
            return []
        return self.match_message(record.get("message") or "", record.get("log_kind") or "stdout")


def _without_overridden(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop the signatures a more precise reading of the same line `overrides:` (a connection refused on
    127.0.0.1 is a process of the same instance, not the remote dependency the generic entry names)."""
    dropped = {sid for sig in found for sid in sig.get("overrides") or ()}
    return [sig for sig in found if sig["id"] not in dropped] if dropped else found


def observed_severity(record: LogRecord, sig: dict[str, Any]) -> str:
    """The severity the line was logged at; the catalog's usual severity when it carries none (DEFAULT).

    A logger that wrote "connect ECONNREFUSED" as a WARNING while it waits for a local daemon said how
    bad it was; the catalog's ERROR is only a guess for lines that say nothing.
    """
    severity = str(record.get("severity") or "DEFAULT").upper()
    return sig["severity"] if severity not in SEVERITIES or severity == "DEFAULT" else severity


@lru_cache(maxsize=1)
def default_matcher() -> SignatureMatcher:
    """One shared compiled catalog per process (compiling ~50 regexes is not free)."""
    return SignatureMatcher()


def _group_name(resource: dict[str, str]) -> str:
    return resource.get("service_name") or resource.get("job_name") or ""


class HitCollector:
    """Accumulates grouped hits with bounded memory (ids and examples are capped)."""

    def __init__(self, matcher: SignatureMatcher | None = None) -> None:
        self.matcher = matcher or default_matcher()
        self._hits: dict[tuple[str, str], SignatureHit] = {}
        self._instances: dict[tuple[str, str], set[str]] = {}
        self._minutes: dict[tuple[str, str], set[str]] = {}  # distinct minutes a group was seen in (capped)

    def add(self, record: LogRecord) -> list[str]:
        """Match one record, fold it into the groups; returns the matched signature ids."""
        sigs = self.matcher.match(record)
        for sig in sigs:
            self.add_hit(sig, record)
        return [s["id"] for s in sigs]

    def add_hit(self, sig: dict[str, Any], record: LogRecord) -> None:
        resource = record.get("resource") or {}
        group = _group_name(resource)
        key = (sig["id"], group)
        ts = record.get("timestamp") or ""
        hit = self._hits.get(key)
        if hit is None:
            hit = SignatureHit(
                signature_id=sig["id"],
                labels=list(sig["labels"]),
                severity=observed_severity(record, sig),
                context=bool(sig.get("context", False)),
                transient=bool(sig.get("transient", False)),
                direct=bool(sig.get("direct", False)),
                http_status=sig.get("http_status"),
                meaning=dict(sig["meaning"]),
                fix=dict(sig["fix"]),
                source=sig["source"],
                service=group,
                count=0,
                first_seen=ts,
                last_seen=ts,
                services=[group] if group else [],
                revisions=[],
                instance_ids=[],
                instance_count=0,
                examples=[],
            )
            self._hits[key] = hit
            self._instances[key] = set()
            self._minutes[key] = set()
        hit["count"] += 1
        seen_severity = observed_severity(record, sig)
        if SEVERITIES.index(seen_severity) > SEVERITIES.index(hit["severity"]):
            hit["severity"] = seen_severity  # the group is as severe as its worst line
        if ts and (not hit["first_seen"] or ts < hit["first_seen"]):
            hit["first_seen"] = ts
        if ts > hit["last_seen"]:
            hit["last_seen"] = ts
        revision = resource.get("revision_name") or resource.get("execution_name") or None
        if revision and revision not in hit["revisions"] and len(hit["revisions"]) < MAX_IDS:
            hit["revisions"].append(revision)
        instance = record.get("instance_id")
        if ts and len(self._minutes[key]) < MAX_MINUTES:
            self._minutes[key].add(ts[:16])
        seen = self._instances[key]
        if instance and instance not in seen and len(seen) <= MAX_IDS:
            seen.add(instance)
            hit["instance_count"] = len(seen)
            if len(hit["instance_ids"]) < MAX_IDS:
                hit["instance_ids"].append(instance)
        examples = hit["examples"]
        if len(examples) < MAX_EXAMPLES or ts < examples[-1]["timestamp"]:
            examples.append(
                SignatureExample(
                    timestamp=ts,
                    insert_id=record.get("insert_id") or "",
                    raw_ref=record.get("raw_ref") or "",
                    message=(record.get("message") or "")[:EXAMPLE_MESSAGE_CHARS],
                    revision=revision,
                    service=group or None,
                    log_kind=record.get("log_kind") or "",
                )
            )
            examples.sort(key=lambda e: e["timestamp"])
            del examples[MAX_EXAMPLES:]

    def hits(self) -> list[SignatureHit]:
        """Failures before lifecycle context, then most frequent, earliest, id: a stable order."""
        for key, hit in self._hits.items():
            hit["instance_count"] = len(self._instances[key])
            hit["minutes"] = len(self._minutes[key])
        return sorted(
            self._hits.values(),
            key=lambda h: (h["context"], -h["count"], h["first_seen"], h["signature_id"], h["service"]),
        )


def match_records(records: Iterable[LogRecord], matcher: SignatureMatcher | None = None) -> list[SignatureHit]:
    """Grouped signature hits over any iterable of LogRecords (streamed; memory bounded by groups)."""
    collector = HitCollector(matcher)
    for record in records:
        collector.add(record)
    return collector.hits()

"""The investigation's log read on the SQL path: records for the evidence, aggregates for the counts.

`fetch_logs_sql` runs the aggregates on DuckDB (a replayed case's entries.jsonl) or BigQuery (a
Log Analytics dataset, dry-run first) and returns the same shape `fetch_logs` does — normalised
records, `truncated`, data gaps — plus the aggregates: every entry is counted in SQL, so nothing
is cut from the counts; what is bounded is only which entries come back whole, and the data gap
says by how much.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.sources.calls import gap
from tools.sources.logging.entries import normalize_entry
from tools.sources.logging.sql.aggregate import read_aggregates, status_summary
from tools.sources.logging.sql.engines import AUTO_THRESHOLD
from tools.sources.logging.sql.queries import where_clause


def count_lines(path: Path, stop_after: int) -> int:
    """Entries in a JSON lines file, counted by newlines, stopping once past `stop_after`."""
    n = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
            if n > stop_after:
                break
    return n


def case_entries(case_dir: str | None) -> Path | None:
    if not case_dir:
        return None
    path = Path(case_dir) / "logging" / "entries.jsonl"
    return path if path.is_file() else None


def threshold() -> int:
    """AUTO_THRESHOLD, or CROBS_SQL_THRESHOLD as set now (tests and operators lower it per run)."""
    try:
        value = int(os.environ.get("CROBS_SQL_THRESHOLD") or 0)
    except ValueError:
        value = 0
    return value if value > 0 else AUTO_THRESHOLD


def choose(engine: str, *, dataset: str | None, case_file: Path | None) -> str:
    """`entries` or `sql` for an investigation (see engines.py for the rule)."""
    if engine != "auto":
        return engine
    if dataset:
        return "sql"
    limit = threshold()
    if case_file is not None and count_lines(case_file, limit) > limit:
        return "sql"
    return "entries"


def fetch_logs_sql(kind: str, name: str, start: str, end: str, *, dataset: str | None = None,
                   case_file: Path | None = None, max_scan_bytes: int | None = None,
                   notify: Any = None) -> dict[str, Any]:
    from tools.sources.logging.sql.engines import open_engine

    where = where_clause(start, end, kind, name)
    engine = open_engine(path=case_file, dataset=dataset, max_scan_bytes=max_scan_bytes, notify=notify)
    try:
        if dataset:
            engine.plan(where, ["counts", "request_minutes", "entries", "sample_requests"])
        agg = read_aggregates(engine, where, digest=False)
    finally:
        close = getattr(engine, "close", None)
        if close:
            close()
    entries = agg["entries"] + agg["samples"]
    records = sorted((normalize_entry(e) for e in entries), key=lambda r: (r["timestamp"], r["insert_id"]))
    gaps = []
    counts = agg["counts"]
    if agg["entries_left_out"]:
        gaps.append(gap("cloud_logging", f"{agg['entries_left_out']} failure and log entries past the first "
                        f"{len(agg['entries'])}", f"the window holds {counts.get('evidence')} non-2xx and "
                        "non-request entries; all are counted in SQL, the first ones are read whole",
                        f"crobs investigate --engine sql --start {start} --end {end} (a narrower window)"))
    if agg.get("samples_left_out"):
        whole = status_summary(agg["request_minutes"])  # payload-less requests, every one counted
        rate = f"{whole['5xx'] / whole['requests']:.2%}" if whole["requests"] else "n/a"
        gaps.append(gap("cloud_logging", f"{agg['samples_left_out']} successful requests as entries",
                        f"the window holds {whole['requests']} requests, all counted in SQL (2xx {whole['2xx']}, "
                        f"4xx {whole['4xx']}, 5xx {whole['5xx']}: {rate} 5xx window-wide); {len(agg['samples'])} "
                        "successful ones were read whole, spread over every minute and revision, so rates in the "
                        "evidence rows overstate the failing share", "crobs analyze-logs FILE --engine sql "
                        "(the full digest), or crobs fetch-metrics for request_count by response_code_class"))
    label = f"{engine.name}" + (f", {agg['bytes_scanned']} bytes scanned" if agg.get("bytes_scanned") else "")
    return {"records": records, "truncated": False, "data_gaps": gaps, "aggregates": agg,
            "engine": label, "sampled_requests": agg.get("samples_left_out", 0)}


@dataclass
class Choice:
    """How an investigation reads its logs, and why (the scope line quotes `label`)."""

    engine: str  # entries | sql
    dataset: str | None = None  # the Log Analytics dataset the SQL runs on: given, or found
    why: str = ""
    first_pages: Any = None  # entry_count.FirstPages already read to count: the entries path resumes it

    def label(self, base: str) -> str:
        """`entries (log_entry_count 3,210 ≤ 50,000)`, `sql (bigquery, …; linked dataset P.D found, …)`."""
        if not self.why:
            return base
        return f"{base[:-1]}; {self.why})" if base.endswith(")") else f"{base} ({self.why})"


def pick_engine(spec: dict[str, Any] | None, gaps: list[dict[str, Any]], follow: str,
                live: tuple[Any, ...] | None = None, notify: Any = None) -> Choice:
    """The engine for collect_gcp; `sql` with no dataset (given or found) and no case falls back, with a gap.

    `live` = (project, region, kind, name, start, end, investigate_command, entries_limit, full_limit):
    outside a replayed case, `auto` counts the window first (entry_count.py: one Monitoring call, or
    the entries path's first page) and, above the threshold, looks for the project's linked Log
    Analytics dataset (linked_dataset.py: two Logging calls).
    """
    spec = spec or {}
    engine = spec.get("engine") or "auto"
    if spec.get("case_dir") or live is None or engine == "entries" or spec.get("log_dataset"):
        case_file = case_entries(spec.get("case_dir"))
        chosen = choose(engine, dataset=spec.get("log_dataset"), case_file=case_file)
        if chosen == "sql" and not spec.get("log_dataset") and case_file is None:
            gaps.append(gap("cloud_logging", "SQL aggregation of the logs", "--engine sql needs --log-dataset "
                            "PROJECT.DATASET (a Log Analytics linked dataset) or a replayed case; read with "
                            "entries.list", f"{follow} --engine sql --log-dataset PROJECT.DATASET"))
            return Choice("entries")
        return Choice(chosen, spec.get("log_dataset"))
    return _live(engine, live, gaps, notify or (lambda _msg: None))


def _live(engine: str, live: tuple[Any, ...], gaps: list[dict[str, Any]], notify: Any) -> Choice:
    from tools.sources.logging.entry_count import count_entries
    from tools.sources.logging.linked_dataset import find_linked_dataset

    project, region, kind, name, start, end, investigate, entries_limit, full_limit = live
    limit = threshold()
    count = None
    reason = "--engine sql"
    if engine == "auto":
        count = count_entries(project, region, kind, name, start, end, entries_limit)
        pages = count.first_pages if count else None
        if count is None or not count.known:
            return Choice("entries", why=count.describe() if count else "entry count unavailable",
                          first_pages=pages)
        if count.entries <= limit:
            return Choice("entries", why=f"{count.describe()} ≤ {limit:,}", first_pages=pages)
        reason = f"{count.describe()} > {limit:,}"
        notify(f"the window holds more than {limit:,} entries ({reason}): looking for a Log Analytics dataset")
    dataset, how = find_linked_dataset(project)
    if dataset:
        return Choice("sql", dataset, f"linked dataset {dataset} found, {reason}")
    counted = f"{count.entries:,} entries ({count.describe()})" if count else "the window's entries"
    link = (f"gcloud logging buckets update _Default --location=global --enable-analytics --project={project} && "
            f"gcloud logging links create crobs_logs --bucket=_Default --location=global --project={project}")
    gaps.append(gap("cloud_logging", "every entry of the window counted in SQL (Log Analytics)",
                    f"the window holds {counted}, above the SQL threshold of {limit:,}, but {how}; the entries "
                    f"path reads the first {entries_limit:,} entries in window order plus up to {full_limit:,} "
                    "non-2xx and non-request entries, so 2xx volume past them is not counted"
                    if engine == "auto" else f"--engine sql without --log-dataset, and {how}; read with entries.list",
                    f"{link}; then rerun: {investigate} --log-dataset {project}.crobs_logs"))
    return Choice("entries", why=f"{reason}; no linked dataset: {how}",
                  first_pages=count.first_pages if count else None)


def fetch_for(kind: str, name: str, start: str, end: str, spec: dict[str, Any], notify: Any) -> dict[str, Any]:
    """fetch_logs_sql with the investigation's engine settings ({log_dataset, max_scan_bytes, case_dir})."""
    dataset = spec.get("log_dataset")
    return fetch_logs_sql(kind, name, start, end, dataset=dataset,
                          case_file=None if dataset else case_entries(spec.get("case_dir")),
                          max_scan_bytes=spec.get("max_scan_bytes"), notify=notify)

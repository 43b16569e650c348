"""The investigation's log read on the SQL path: records for the evidence, aggregates for the counts.

`fetch_logs_sql` runs the aggregates on DuckDB (a replayed case's entries.jsonl) or BigQuery (a
Log Analytics dataset, dry-run first) and returns the same shape `fetch_logs` does — normalised
records, `truncated`, data gaps — plus the aggregates: every entry is counted in SQL, so nothing
is cut from the counts; what is bounded is only which entries come back whole, and the data gap
says by how much.
"""

from __future__ import annotations

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


def choose(engine: str, *, dataset: str | None, case_file: Path | None) -> str:
    """`entries` or `sql` for an investigation (see engines.py for the rule)."""
    if engine != "auto":
        return engine
    if dataset:
        return "sql"
    if case_file is not None and count_lines(case_file, AUTO_THRESHOLD) > AUTO_THRESHOLD:
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


def pick_engine(spec: dict[str, Any] | None, gaps: list[dict[str, Any]], follow: str) -> str:
    """`entries` or `sql` for collect_gcp; `sql` with neither a dataset nor a case falls back, with a gap."""
    spec = spec or {}
    case_file = case_entries(spec.get("case_dir"))
    engine = choose(spec.get("engine") or "auto", dataset=spec.get("log_dataset"), case_file=case_file)
    if engine == "sql" and not spec.get("log_dataset") and case_file is None:
        gaps.append(gap("cloud_logging", "SQL aggregation of the logs", "--engine sql needs --log-dataset "
                        "PROJECT.DATASET (a Log Analytics linked dataset) or a replayed case; read with entries.list",
                        f"{follow} --engine sql --log-dataset PROJECT.DATASET"))
        return "entries"
    return engine


def fetch_for(kind: str, name: str, start: str, end: str, spec: dict[str, Any], notify: Any) -> dict[str, Any]:
    """fetch_logs_sql with the investigation's engine settings ({log_dataset, max_scan_bytes, case_dir})."""
    dataset = spec.get("log_dataset")
    return fetch_logs_sql(kind, name, start, end, dataset=dataset,
                          case_file=None if dataset else case_entries(spec.get("case_dir")),
                          max_scan_bytes=spec.get("max_scan_bytes"), notify=notify)

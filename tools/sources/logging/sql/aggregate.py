"""The SQL path of one log read: every aggregate the analysis needs, and the bounded evidence entries.

`read_aggregates(engine, where)` runs the GoogleSQL aggregates of tools/data/sql/ on an engine
(DuckDB or BigQuery, see engines.py) and returns plain rows: counts, per-minute request counts,
the latency histogram and per-path percentiles, request and log templates, per-instance rows,
and as LogEntry dicts the evidence (every non-request entry, request with a payload and failed
request, up to `entry_limit`) plus a sample of successful requests spread over every minute and
revision (up to `sample_limit`), with how many entries each bound left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.sources.logging.sql.rows import ENTRY_COLUMNS, entry_of, entry_of_values, plain_rows

ENTRY_LIMIT = 200_000  # evidence entries returned whole (the entries path's FULL_LIMIT)
SAMPLE_LIMIT = 50_000  # successful requests returned as entries (the entries path's LOG_LIMIT)
TOP = 20


def read_aggregates(engine: Any, where: str, *, entry_limit: int = ENTRY_LIMIT, sample_limit: int = SAMPLE_LIMIT,
                    digest: bool = True, samples: bool = True,
                    on_entry: Callable[[dict[str, Any]], None] | None = None, quiet: str = "FALSE") -> dict[str, Any]:
    """The aggregates of one window.

    `digest` adds what only the digest reads (latency histogram and percentiles, request and log
    templates, instance rows); `samples` the successful requests the evidence reads. An investigation
    runs four queries (counts, request_minutes, entries, sample_requests), analyze-logs seven.
    With `on_entry` (an engine that can `stream`), every log entry goes to it as it is read, none is
    kept and there is no bound: memory stays flat for a file of any size. There `quiet` (a GoogleSQL
    condition, see tools/analysis/digest/quiet.py) names the lines that are only counted, in `quiet_logs`.
    """
    if on_entry is not None and hasattr(engine, "stream"):
        return _streamed(engine, where, on_entry, quiet)
    run = engine.run
    counts = (run("counts", where) or [{}])[0]
    minutes = plain_rows(run("request_minutes", where))
    out: dict[str, Any] = {"engine": engine.name, "counts": {k: int(v or 0) for k, v in counts.items()},
                           "request_minutes": minutes}
    if digest:
        out["latency_buckets"] = plain_rows(run("latency_buckets", where))
        out["latency_by_path"] = plain_rows(run("latency_by_path", where, top=TOP))
        out["request_templates"] = plain_rows(run("request_templates", where, limit=entry_limit))
        out["instances"] = plain_rows(run("instances", where, limit=10_001))
    # the digest templates failed requests in SQL; the evidence (samples on) reads them as entries
    with_failed = 1 if samples else 0
    entries = [entry_of(r) for r in run("entries", where, limit=entry_limit, with_failed=with_failed)]
    out["entries"] = entries
    wanted = out["counts"].get("evidence" if with_failed else "log_entries", 0)
    out["entries_left_out"] = max(0, wanted - len(entries))
    if digest and out["entries_left_out"]:
        out["log_templates"] = plain_rows(run("log_templates", where, limit=500))
        out["rest_logs"] = _rest(run, where, entries[-1]) if entries else []
    out["samples"] = []
    if samples:
        ok = sum(r["n"] for r in minutes if (r["status"] or 0) < 400)
        groups = len({(r["minute"], r["revision"]) for r in minutes if (r["status"] or 0) < 400}) or 1
        per_group = ok if ok <= sample_limit else max(1, sample_limit // groups)
        if ok:
            out["samples"] = [entry_of(r) for r in run("sample_requests", where, limit=sample_limit,
                                                       per_group=max(1, per_group))]
        out["samples_left_out"] = max(0, ok - len(out["samples"]))
    out["queries"] = engine.queries
    out["bytes_scanned"] = getattr(engine, "bytes_scanned", None)
    return out


def _streamed(engine: Any, where: str, on_entry: Callable[[dict[str, Any]], None], quiet: str) -> dict[str, Any]:
    """The digest's aggregates, with the log entries streamed to `on_entry` instead of returned.

    The aggregates run in a second thread while this one folds the streamed entries: the engine's
    queries release the GIL, so the Python fold and DuckDB's scans overlap instead of queueing.
    """
    import threading

    out: dict[str, Any] = {"engine": engine.name}
    failed: list[BaseException] = []

    def aggregates() -> None:
        try:
            run = engine.run
            out["counts"] = {k: int(v or 0) for k, v in (run("counts", where) or [{}])[0].items()}
            for name in ("request_minutes", "latency_buckets", "request_templates"):
                out[name] = plain_rows(run(name, where, limit=1 << 40))
            out["latency_by_path"] = plain_rows(run("latency_by_path", where, top=TOP))
            out["instances"] = plain_rows(run("instances", where, limit=10_001))
            out["quiet_logs"] = plain_rows(run("quiet_logs", where, quiet=quiet)) if quiet != "FALSE" else []
        except BaseException as exc:  # re-raised in the caller's thread
            failed.append(exc)

    rows = engine.stream("entries", where, limit=1 << 40, with_failed=0, quiet=quiet)  # cursor opens before the thread
    worker = threading.Thread(target=aggregates, name="crobs-sql-aggregates", daemon=True)
    worker.start()
    n = 0
    try:
        for names, batch in rows:
            if tuple(names) == ENTRY_COLUMNS:
                for row in batch:
                    on_entry(entry_of_values(row))
            else:
                for row in batch:
                    on_entry(entry_of(dict(zip(names, row, strict=True))))
            n += len(batch)
    finally:
        worker.join()
    if failed:
        raise failed[0]
    out.update(entries=[], entries_streamed=n, entries_left_out=0, samples=[], queries=engine.queries,
               bytes_scanned=None)
    return out


def _rest(run: Any, where: str, last: dict[str, Any]) -> list[dict[str, Any]]:
    """Counts of the non-request entries past the last returned one (see rest_logs.sql)."""
    from tools.errors import InputError
    from tools.sources.logging.sql.queries import literal, time_literal

    try:
        after_id = literal(last.get("insertId") or "-")
    except InputError:  # an insert id outside [A-Za-z0-9_.:-]: entries at exactly that time are left uncounted
        after_id = "'~'"
    return plain_rows(run("rest_logs", where, after_ts=time_literal(last["timestamp"]), after_id=after_id))


def status_summary(minutes: list[dict[str, Any]]) -> dict[str, int]:
    """Window-wide request counts by status class from the per-minute rows (every request, none sampled)."""
    out = {"requests": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0}
    for row in minutes:
        n, cls = int(row["n"]), int(row["status"] or 0) // 100
        out["requests"] += n
        if 2 <= cls <= 5:
            out[f"{cls}xx"] += n
    return out

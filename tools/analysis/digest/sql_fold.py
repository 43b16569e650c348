"""The SQL path's aggregate rows folded into the same digest and signature hits the entries path builds.

tools/sources/logging/sql returns per-minute request counts, the latency histogram, request
templates, instances and the bounded evidence entries; this module feeds them to the same
DigestBuilder, TemplateCounter and signature matcher `analyze_entries` uses, so both paths render
one digest shape: counted rows through `count_requests` (exactly what the entries fast path calls
per minute), grouped failed requests through the template counter with their counts, and every
evidence entry with a payload through normalisation, the signature matcher and `DigestBuilder.add`.
"""

from __future__ import annotations

from typing import Any

from tools.analysis.digest.builder import ERROR, SEVERITY_RANK, DigestBuilder
from tools.analysis.digest.entries import _KINDS, _normalizer, _short_log_name, _url_path
from tools.analysis.signatures import HitCollector


def is_plain(entry: dict[str, Any]) -> bool:
    """A request entry without a payload: counted in SQL, never folded again as an entry."""
    return entry.get("httpRequest") is not None and not any(
        k in entry for k in ("textPayload", "jsonPayload", "protoPayload"))


def _request_templates(builder: DigestBuilder, rows: list[dict[str, Any]]) -> None:
    templates = builder._templates
    for row in sorted(rows, key=lambda r: (r["first_ts"], r["status"])):
        short = _short_log_name(row.get("log_name") or "")
        path, method, status = _url_path(row.get("url") or ""), row.get("method") or "", int(row["status"])
        ref = {"raw_ref": f"{short}#{row.get('example_insert_id') or ''}", "log_kind": "requests"}
        templates.add_request(status, method, path, "", ref, row["first_ts"], row.get("service") or "")
        stat = templates.stats.get(templates.cache.get(f"{status}|{method}|{path}|"))
        n = int(row["n"])
        if stat is not None and n > 1:  # one call counted the first; the group's other n-1 join it
            stat[0] += n - 1
            stat[4]["requests"] += n - 1
            if row["last_ts"] > stat[2]:
                stat[2] = row["last_ts"]


def _rest(builder: DigestBuilder, rows: list[dict[str, Any]]) -> None:
    """Entries past the evidence bound, counted as `DigestBuilder.add` would count them (no text to read)."""
    for row in rows:
        n, first, last = int(row["n"]), row["first_ts"], row["last_ts"]
        kind = _KINDS.get(_short_log_name(row.get("log_name") or ""), "other")
        service, revision = row.get("service") or "", row.get("revision") or ""
        if kind == "requests" and row.get("status"):
            builder.count_requests(first, int(row["status"]), service, revision, n, last)
            continue
        severity = (row.get("severity") or "DEFAULT").upper()
        builder.total += n
        builder.kinds[kind] += n
        builder.severities[severity] += n
        builder._seen(first)
        builder._seen(last)
        svc = builder._service(service)
        svc[4] += n
        if SEVERITY_RANK.get(severity, 0) >= ERROR:
            builder._bucket(first)[4] += n
            svc[3] += n
            if revision:
                builder._revision(revision, service, first)[4] += n
            builder._error_at(first)


class EntryFold:
    """Folds evidence entries one at a time (the streamed path calls it per row)."""

    def __init__(self) -> None:
        self.normalize = _normalizer()
        self.collector = HitCollector(None)
        self.builder = DigestBuilder()

    def __call__(self, entry: dict[str, Any]) -> None:
        if is_plain(entry):
            return  # counted in request_minutes, templated in request_templates
        record = self.normalize(entry)
        self.collector.add(record)
        self.builder.add(record)


def analyze_aggregates(agg: dict[str, Any], *, metrics: dict[str, Any] | None = None,
                       fold: EntryFold | None = None) -> dict[str, Any]:
    """{"signature_hits", "digest"} from `read_aggregates` output, as `analyze_entries` gives for the same logs.

    `fold` is the EntryFold the entries were already streamed into, if they were.
    """
    fold = fold or EntryFold()
    collector, builder = fold.collector, fold.builder
    for entry in agg.get("entries") or []:
        fold(entry)
    for row in agg.get("request_minutes") or []:
        builder.count_requests(row["first_ts"], int(row["status"] or 0), row["service"] or "", row["revision"] or "",
                               int(row["n"]), row["last_ts"])
    for row in agg.get("latency_buckets") or []:
        builder.lat_hist[int(row["bucket"])] += int(row["n"])
        builder.lat_n += int(row["n"])
        builder.lat_max = max(builder.lat_max, float(row["max_ms"] or 0.0))
    for row in agg.get("instances") or []:
        builder._instance(row.get("instance"))
    _request_templates(builder, agg.get("request_templates") or [])
    _rest(builder, agg.get("quiet_logs") or [])  # lines only counted (quiet.py): folded as the rest is
    _rest(builder, agg.get("rest_logs") or [])
    digest = builder.result(metrics)
    counts = agg.get("counts") or {}
    digest["input"] = {"engine": agg.get("engine"), "entries": counts.get("total", 0),
                       "counted_in_sql": counts.get("plain_requests", 0),
                       "entries_returned": len(agg.get("entries") or []) + agg.get("entries_streamed", 0),
                       "entries_left_out": agg.get("entries_left_out", 0),
                       "quiet_lines_counted_in_sql": sum(int(r["n"]) for r in agg.get("quiet_logs") or []),
                       "queries": agg.get("queries"),
                       "bytes_scanned": agg.get("bytes_scanned")}
    digest["latency_by_path"] = [
        {k: (round(v, 1) if isinstance(v, float) else v) for k, v in row.items()}
        for row in (agg.get("latency_by_path") or [])[:10]]
    worst = sorted(agg.get("instances") or [], key=lambda r: (-(r["status_5xx"] + r["error_logs"]), r["first_ts"]))
    digest["instance_rows"] = [r for r in worst[:10] if r["status_5xx"] or r["error_logs"] or r["starts"]]
    if agg.get("entries_left_out"):
        digest["error_templates_sql"] = [
            {"message": r["message"][:200], "count": r["n"], "first_seen": r["first_ts"], "last_seen": r["last_ts"],
             "service": r["service"] or None,
             "example_raw_ref": f"{_short_log_name(r['log_name'] or '')}#{r['example_insert_id']}"}
            for r in (agg.get("log_templates") or [])[:15]]
    return {"signature_hits": collector.hits(), "digest": digest}


def analyze_file_sql(path: str, *, metrics: dict[str, Any] | None = None) -> dict[str, Any]:
    """`analyze_aggregates` over a LogEntry file (JSON lines or an array), or a directory of them, in DuckDB."""
    from tools.analysis.digest.quiet import quiet_condition
    from tools.sources.logging.sql.aggregate import read_aggregates
    from tools.sources.logging.sql.duckdb_engine import DuckDBEngine
    from tools.sources.logging.sql.log_files import skipped_summary

    fold = EntryFold()
    with DuckDBEngine(path, lean=True) as engine:
        agg = read_aggregates(engine, "TRUE", samples=False, on_entry=fold,
                              quiet=quiet_condition(fold.collector.matcher))
        files, skipped = sum(len(v) for v in engine.files.values()), engine.skipped
    result = analyze_aggregates(agg, metrics=metrics, fold=fold)
    result["digest"]["input"].update(files=files, **skipped_summary(skipped))
    return result

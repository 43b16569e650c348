"""A bounded, streaming summary of any amount of Cloud Run telemetry.

The digest is what an LLM (or a person) reads instead of a million log lines:
per-minute counts by status class, latency percentiles, error templates,
instance starts and shutdowns, per-revision and per-service error rates and
deploy markers. Every collection in it is capped, so its size does not grow
with the input; `digest_tokens` tells how big it is.

Two ways in:

- `DigestBuilder.add(record)` for normalized LogRecords (tools/records.py);
- `analyze_entries(entries)` / `analyze_jsonl(path)` for raw LogEntry dicts
  (a case's logging/entries.jsonl). These fast-path the healthy bulk: a 2xx/3xx
  request entry only updates counters (minute, status class, latency,
  revision), and is never normalized, templated or regex-matched. Everything
  else is normalized and goes through the signature matcher and the builder.

Error templates come from drain3 run in memory over WARNING+ log lines and
4xx/5xx requests only, never over successful requests: healthy traffic would
drown the templates and cost most of the time.

The parts: tools/analysis/digest/builder.py (the counters), digest_entries.py (the
raw-entry fast path), digest_latency.py, digest_templates.py,
digest_lifecycle.py, digest_timeline.py and digest_text.py. This module
reads JSONL files, holds the analyze_logs tool and re-exports the names
callers import from tools.analysis.digest.analyze.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tools.analysis.digest.builder import ERROR, SEVERITY_RANK, WARNING, DigestBuilder
from tools.analysis.digest.entries import analyze_entries
from tools.analysis.digest.latency import LAT_BUCKETS, LAT_LOG, LAT_MIN_MS, LAT_RATIO
from tools.analysis.digest.text import digest_tokens, render_digest_text
from tools.analysis.digest.timeline import COLUMNS, GRANULARITIES
from tools.errors import InputError

__all__ = [
    "COLUMNS", "ERROR", "GRANULARITIES", "LAT_BUCKETS", "LAT_LOG", "LAT_MIN_MS", "LAT_RATIO", "MAX_LINE_BYTES",
    "SEVERITY_RANK", "WARNING", "DigestBuilder", "analyze_entries", "analyze_jsonl", "analyze_logs", "digest_tokens",
    "format_analysis", "iter_jsonl", "render_digest_text",
]


MAX_LINE_BYTES = 1 << 20  # a LogEntry is at most 256 KiB (512 KiB for audit); anything far larger is not one


def iter_jsonl(path: str | Path, stats: dict[str, int] | None = None) -> Iterator[dict[str, Any]]:
    """LogEntry dicts from a JSONL file; malformed lines are counted in `stats`, binary files refused."""
    import orjson

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: not a file")
    stats = stats if stats is not None else {}
    lines = malformed = 0
    try:
        with p.open("rb") as fh:
            head = fh.read(8192)
            if b"\x00" in head:
                raise InputError(f"{p}: binary file, expected JSON lines of Cloud Logging LogEntry objects")
            fh.seek(0)
            loads = orjson.loads
            for line in fh:
                lines += 1
                if len(line) > MAX_LINE_BYTES:
                    malformed += 1
                    continue
                try:
                    entry = loads(line)
                except orjson.JSONDecodeError:
                    if line.strip():
                        malformed += 1
                    continue
                if type(entry) is dict:
                    yield entry
                else:
                    malformed += 1
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from exc
    finally:
        stats["lines"] = stats.get("lines", 0) + lines
        stats["malformed_lines"] = stats.get("malformed_lines", 0) + malformed


def analyze_jsonl(path: str | Path, *, metrics: dict[str, Any] | None = None) -> dict[str, Any]:
    """`analyze_entries` over a case's logging/entries.jsonl; reports skipped lines in digest.input."""
    stats: dict[str, int] = {}
    result = analyze_entries(iter_jsonl(path, stats), metrics=metrics)
    result["digest"]["input"] = dict(stats)
    return result



# tool
def analyze_logs(path: str, lang: str = "en", engine: str = "auto") -> dict[str, Any]:
    """Signature hits and a bounded digest of a LogEntry file, a directory of them, or a case's logs.

    Lets an assistant look at any volume of recorded logs through a few
    thousand tokens instead of reading the lines. `lang` picks the language of
    each hit's meaning and fix. `engine` sql reads the file with embedded DuckDB
    (JSON lines or the JSON array `gcloud logging read --format=json` prints);
    auto picks it for JSON arrays, files above 64 MiB and directories (a
    downloaded Cloud Storage sink: every .json/.jsonl file under it).
    """
    if lang not in ("en", "ja"):
        raise InputError(f"lang must be en or ja, not {lang!r}")
    p = Path(path)
    if p.is_dir() and ((p / "case.yaml").is_file() or (p / "logging" / "entries.jsonl").is_file()):
        p = p / "logging" / "entries.jsonl"  # a case directory
        if not p.is_file():
            raise InputError(f"{p}: not a file")
    elif p.is_dir():  # a downloaded Cloud Storage sink: every JSON file under it, in SQL
        if engine == "entries":
            raise InputError(f"{p}: a directory of exported log files is read with --engine sql (or auto); "
                             "--engine entries reads one file")
    elif not p.is_file():
        raise InputError(f"{p}: not a file")
    from tools.sources.logging.sql.engines import file_engine

    if p.is_dir() or file_engine(engine, p) == "sql":
        from tools.analysis.digest.sql_fold import analyze_file_sql

        result = analyze_file_sql(str(p))
    else:
        result = analyze_jsonl(p)
    for hit in result["signature_hits"]:
        hit["meaning"] = hit["meaning"][lang]  # type: ignore[typeddict-item]
        hit["fix"] = hit["fix"][lang]  # type: ignore[typeddict-item]
    result["digest_tokens"] = digest_tokens(result["digest"])
    return result


def format_analysis(result: dict[str, Any]) -> str:
    """CLI text: one line per signature hit group, then the digest text."""
    lines = [f"{h['count']:>6}x {h['signature_id']} [{h['service'] or '-'}] {h['first_seen']}..{h['last_seen']} "
             f"labels={','.join(h['labels'])} e.g. {h['examples'][0]['raw_ref'] if h['examples'] else ''}"
             for h in result["signature_hits"]]
    if not lines:
        lines = ["no failure signatures"]
    return "\n".join([*lines, "", render_digest_text(result["digest"])])

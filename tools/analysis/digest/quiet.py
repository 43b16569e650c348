"""Log lines the digest only counts, as one GoogleSQL condition, so the SQL path never folds them in Python.

On the streamed SQL path (analyze-logs FILE) every log line used to come back to Python, be normalised,
matched against the signature catalog and folded into the digest: two thirds of that path's Python time
on a million entries. Most of those lines are app INFO output that the digest only counts: an INFO,
DEBUG or NOTICE line (or a text line without severity) on stdout, stderr or another non-platform log,
with no request, whose text holds none of the catalog's prescreen fragments, adds one to the totals,
its kind, its severity, its service and the first/last time, and nothing else (`DigestBuilder.add`
below WARNING; `SignatureMatcher.match_message` returns nothing without a fragment). SQL counts those
by minute, log, severity and service (quiet_logs.sql) and `sql_fold` adds the counts as it adds the
entries past the evidence bound.

The condition must never call a line quiet that Python would have matched (a superset goes to Python):
- text payloads: the fragments searched in LOWER(text), the text pure ASCII so SQL's and Python's
  lower-casing agree (any other line goes to Python);
- JSON payloads: Python reads the message out of the payload (payload.py) and joins its parts with a
  newline, while SQL sees the serialised JSON, which escapes quotes, backslashes and control characters
  and separates values with punctuation. A fragment found by Python then has each of its runs free of
  those characters inside one JSON value, so SQL searches the longest run of each fragment; a fragment
  without a run of MIN_RUN characters sends every JSON line to Python. JSON lines without an explicit
  severity go to Python too: their level is read from the payload (pino's 50, zap's "error").
- request, system and audit logs always go to Python (requests, lifecycle events, deploy markers);
- a catalog with a signature the prescreen cannot gate (no fragment) makes every line go to Python.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from tools.analysis.signatures import SignatureMatcher, default_matcher
from tools.sources.logging.query import log_kinds

QUIET_KINDS = ("stdout", "stderr")  # plus any log that is not a Cloud Run log (kind "other")
QUIET_SEVERITIES = ("DEBUG", "INFO", "NOTICE")
MIN_RUN = 4
_JSON_BREAKS = re.compile(r'["\\\x00-\x1f,:{}\[\]]+')
NEVER = "FALSE"


def _re2(fragment: str) -> str:
    """A fragment as an RE2 pattern inside a GoogleSQL raw string: every ASCII punctuation as \\xHH (no quote)."""
    return "".join(c if (c.isascii() and c.isalnum()) or c == " " else f"\\x{ord(c):02x}" for c in fragment)


def _any_of(fragments: set[str]) -> str:
    return "|".join(_re2(f) for f in sorted(fragments))


def _json_runs(literals: frozenset[str]) -> set[str] | None:
    runs = set()
    for literal in literals:
        longest = max(_JSON_BREAKS.split(literal), key=len)
        if len(longest) < MIN_RUN:
            return None
        runs.add(longest)
    return runs


def _loud_logs() -> list[str]:
    """`NOT ENDS_WITH(...)` for the logs Python must read, as written and URL-encoded, in any case."""
    out = []
    for kind, log_id in sorted(log_kinds().items()):
        if kind not in QUIET_KINDS:
            for form in sorted({log_id.lower(), quote(log_id, safe="").lower()}):  # %2F or %2f
                if not re.fullmatch(r"[a-z0-9._%/-]+", form):
                    raise ValueError(f"log id {form!r} cannot be written as an SQL literal")
                out.append(f"NOT ENDS_WITH(LOWER(log_name), '{form}')")
    return out


def quiet_condition(matcher: SignatureMatcher | None = None) -> str:
    """The GoogleSQL condition (over logs.sql's columns) of a line the digest only counts; FALSE for none."""
    matcher = matcher or default_matcher()
    literals = frozenset(lit for lit in matcher.literals if lit.isascii())  # an ASCII text holds no other
    if matcher.fallback is not None or not literals:
        return NEVER
    severities = ", ".join(f"'{s}'" for s in QUIET_SEVERITIES)
    ascii_only = r"NOT REGEXP_CONTAINS({x}, r'[^\x00-\x7f]')"
    text = (f"(text_payload IS NOT NULL AND {ascii_only.format(x='text_payload')} "
            f"AND NOT REGEXP_CONTAINS(LOWER(text_payload), r'{_any_of(set(literals))}'))")
    runs = _json_runs(literals)
    if runs is not None:
        body = "TO_JSON_STRING(json_payload)"
        text += (f" OR (text_payload IS NULL AND json_payload IS NOT NULL AND severity IN ({severities}) "
                 f"AND {ascii_only.format(x=body)} AND NOT REGEXP_CONTAINS(LOWER({body}), r'{_any_of(runs)}'))")
    parts = ["http_request IS NULL", "proto_payload IS NULL",
             f"(severity IN ({severities}) OR (IFNULL(severity, 'DEFAULT') = 'DEFAULT' AND json_payload IS NULL))",
             *_loud_logs(), f"({text})"]
    return "IFNULL(" + " AND ".join(parts) + ", FALSE)"

"""The report-file commands (`crobs validate`, `render`, `parse`): read a file, then check, render or parse it.

They sit above the modules that know the report (validate, render, parse) and the
one that reads and writes report files (report_io), so none of those has to import
another to be called from the command line.
"""

from __future__ import annotations

from typing import Any

from tools.errors import InputError
from tools.report.io import load_report, write_text_atomic
from tools.report.render import render_markdown
from tools.report.validate import schema_errors, validate
from tools.safety.mask import mask_value


# tool
def validate_report(path: str) -> dict[str, Any]:
    """Check a report file (JSON or Markdown) against the contract; lists every problem at once."""

    errors = validate(load_report(path))
    return {"valid": not errors, "errors": errors}


# tool
def render_report(path: str, out: str | None = None) -> dict[str, Any]:
    """Render a JSON (or Markdown) report file in the sample's Markdown layout; with `out`, also write it there."""
    report = mask_value(load_report(path))  # the one masking step before rendering (issue 16)
    problems = schema_errors(report)
    if problems:
        first = problems[0]
        raise InputError(
            f"{path}: cannot render, the report does not match the schema ({len(problems)} problem(s); "
            f"first: {first['pointer'] or '/'}: {first['message']}); run `crobs validate {path}`"
        )
    markdown = render_markdown(report)
    result: dict[str, Any] = {"markdown": markdown}
    if out:
        write_text_atomic(out, markdown)
        result["written"] = out
    return result


# tool
def parse_report(path: str) -> dict[str, Any]:
    """Read a Markdown (or JSON) report file and return its JSON structure, without validating it."""
    return load_report(path)

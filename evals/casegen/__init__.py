"""Building blocks for the bundled eval cases (see evals/README.md).

Stories in evals/stories/ compose these blocks into incident cases; the
blocks know Cloud Run's wire shapes and texts, the stories know what
happened. Imported as a script-local package by evals/generate_cases.py.
"""

from .case import Case, distribution, series, trello_card
from .logs import (
    AUTOSCALING,
    MIN_INSTANCE,
    ROLLOUT,
    TXT_COULD_NOT_START,
    TXT_MALFORMED,
    TXT_NO_INSTANCE,
    TXT_OOM_REQUEST,
    TXT_READINESS,
    TXT_TIMEOUT,
    Logs,
    Res,
    Route,
    oom_text,
    tcp_probe_failed,
    tcp_probe_ok,
)
from .resources import container, execution, job, revision, service, template
from .timefmt import at, fmt, fmt_s, parse

__all__ = [
    "AUTOSCALING", "MIN_INSTANCE", "ROLLOUT", "TXT_COULD_NOT_START", "TXT_MALFORMED", "TXT_NO_INSTANCE",
    "TXT_OOM_REQUEST", "TXT_READINESS", "TXT_TIMEOUT", "Case", "Logs", "Res", "Route", "at", "container",
    "distribution", "execution", "fmt", "fmt_s", "job", "oom_text", "parse", "revision", "series", "service",
    "tcp_probe_failed", "tcp_probe_ok", "template", "trello_card",
]

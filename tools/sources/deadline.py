"""Time budgets for remote sources, so a dead endpoint costs seconds, not minutes.

An API that accepts a connection and never answers used to hold an
investigation for minutes (eight 60 s log calls, Trello's retries). Three
limits bound every wait; each has a default, an environment variable and an
`investigate` flag:

- request timeout (`CROBS_REQUEST_TIMEOUT`, 20 s): one HTTP call, passed to the
  client library's own `timeout=` (google-api-core, requests, httpx);
- source deadline (`CROBS_SOURCE_DEADLINE`, 300 s): everything one source
  (logs, Run config, audit logs, metrics, the card) may take, retries included;
  a busy log window keeps paging until then, and what was read is kept;
- failure budget (`CROBS_FAILURE_BUDGET`, 40 s): the seconds all sources of one
  investigation together may spend on calls that fail, hang or wait to be
  retried; one API (Logging, Run, Monitoring, Trello) may spend half of it.
  Healthy calls do not consume it, so a slow but working API is read whole,
  one broken API leaves time for the others, and dead endpoints end every
  remaining source at once.

The repository scan is local: `CROBS_REPO_DEADLINE` (60 s) bounds it alone.
Budgets live in context variables, so a tool called on its own (the CLI's
`fetch-logs`) gets a fresh budget and `investigate` shares one failure budget
across its sources.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

REQUEST_TIMEOUT_ENV = "CROBS_REQUEST_TIMEOUT"
SOURCE_DEADLINE_ENV = "CROBS_SOURCE_DEADLINE"
FAILURE_BUDGET_ENV = "CROBS_FAILURE_BUDGET"
REPO_DEADLINE_ENV = "CROBS_REPO_DEADLINE"
DEFAULTS = {REQUEST_TIMEOUT_ENV: 20.0, SOURCE_DEADLINE_ENV: 300.0, FAILURE_BUDGET_ENV: 40.0,
            REPO_DEADLINE_ENV: 60.0}
MIN_TIMEOUT = 0.05  # a call is never given less than this (0 means "no timeout" to some libraries)


_OVERRIDES: ContextVar[dict[str, float]] = ContextVar("crobs_limit_overrides", default={})  # noqa: B039


def seconds(env: str) -> float:
    """The limit named by `env`: a flag given to this run, the environment, or the default (junk or <= 0)."""
    if env in _OVERRIDES.get():
        return _OVERRIDES.get()[env]
    try:
        value = float(os.environ.get(env, "") or DEFAULTS[env])
    except ValueError:
        return DEFAULTS[env]
    return value if value > 0 and value == value and value != float("inf") else DEFAULTS[env]


class FailureBudget:
    """Seconds the sources of one investigation may spend on failing calls (thread-safe)."""

    def __init__(self, total: float | None = None):
        self.total = seconds(FAILURE_BUDGET_ENV) if total is None else total
        self.spent = 0.0
        self._lock = threading.Lock()

    def spend(self, amount: float) -> None:
        with self._lock:
            self.spent += max(0.0, amount)

    def remaining(self) -> float:
        with self._lock:
            return self.total - self.spent


FAMILY_SHARE = 2  # one API may spend half of the failure budget, leaving time for the others
_FAMILIES = {"audit_log": "cloud_logging", "cloud_run_service": "cloud_run", "cloud_run_revision": "cloud_run",
             "cloud_run_job": "cloud_run"}


def family(source: str) -> str:
    """Sources served by one API share its failure budget (the audit log is read from Cloud Logging)."""
    return _FAMILIES.get(source, source)


class RunBudget:
    """The failure budget of one run: in all, and per API family (half of it each)."""

    def __init__(self, total: float | None = None):
        self.all = FailureBudget(total)
        self.families: dict[str, FailureBudget] = {}
        self._lock = threading.Lock()

    def of(self, source: str) -> FailureBudget:
        with self._lock:
            name = family(source)
            if name not in self.families:
                self.families[name] = FailureBudget(self.all.total / FAMILY_SHARE)
            return self.families[name]


class Budget:
    """One source's deadline plus the run's failure budgets; read by every call the source makes."""

    def __init__(self, source: str, deadline: float | None = None, run: RunBudget | None = None):
        self.source = source
        self.deadline = seconds(SOURCE_DEADLINE_ENV) if deadline is None else deadline
        self.started = time.monotonic()
        run = run if run is not None else RunBudget()
        self.failures = run.all
        self.family = run.of(source)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return min(self.deadline - self.elapsed(), self.failures.remaining(), self.family.remaining())

    def expired(self) -> bool:
        return self.remaining() <= 0

    def timeout(self) -> float:
        """The per-request timeout to pass to a client: the request limit, cut to what is left."""
        return max(MIN_TIMEOUT, min(seconds(REQUEST_TIMEOUT_ENV), self.remaining()))

    def failed(self, spent: float) -> None:
        """Charge `spent` seconds of a failed, hung or retried call to the failure budget."""
        self.failures.spend(spent)
        self.family.spend(spent)

    def wait(self, wanted: float, sleep: Callable[[float], None]) -> None:
        """Back off before a retry: `wanted` cut to what is left; the time actually slept is failure time."""
        began = time.monotonic()
        sleep(max(0.0, min(wanted, self.remaining())))
        self.failed(time.monotonic() - began)

    def reason(self) -> str:
        """Why the source stopped, for its data gap."""
        if self.failures.remaining() <= 0:
            return (f"the {self.failures.total:g} s failure budget of this run was spent on failing or "
                    f"unanswered calls ({FAILURE_BUDGET_ENV} / --failure-budget)")
        if self.family.remaining() <= 0:
            return (f"{family(self.source)} used up its share ({self.family.total:.3g} s) of the failure "
                    f"budget on failing or unanswered calls ({FAILURE_BUDGET_ENV} / --failure-budget)")
        return f"its {self.deadline:g} s deadline passed ({SOURCE_DEADLINE_ENV} / --source-deadline)"


_FAILURES: ContextVar[RunBudget | None] = ContextVar("crobs_failure_budget", default=None)
_CURRENT: ContextVar[Budget | None] = ContextVar("crobs_source_budget", default=None)


def current(source: str = "") -> Budget:
    """The active source's budget, or a fresh one for a tool called on its own."""
    active = _CURRENT.get()
    if active is not None:
        return active
    return Budget(source, run=_FAILURES.get())


@contextmanager
def run_budget(total: float | None = None) -> Iterator[RunBudget]:
    """One failure budget shared by every source started inside (an investigation)."""
    budget = RunBudget(total)
    token = _FAILURES.set(budget)
    try:
        yield budget
    finally:
        _FAILURES.reset(token)


@contextmanager
def source_budget(source: str, deadline: float | None = None) -> Iterator[Budget]:
    """Make `source`'s deadline the active one for every call inside."""
    budget = Budget(source, deadline, _FAILURES.get())
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)


@contextmanager
def limits(request_timeout: float | None = None, source_deadline: float | None = None,
           failure_budget: float | None = None, repo_deadline: float | None = None) -> Iterator[None]:
    """Apply flag values (None = keep the environment's) for the duration, in this context only.

    A context variable, not os.environ: two investigations in one process (an MCP server) keep
    their own limits.
    """
    wanted = {REQUEST_TIMEOUT_ENV: request_timeout, SOURCE_DEADLINE_ENV: source_deadline,
              FAILURE_BUDGET_ENV: failure_budget, REPO_DEADLINE_ENV: repo_deadline}
    merged = {**_OVERRIDES.get(), **{k: float(v) for k, v in wanted.items() if v is not None}}
    token = _OVERRIDES.set(merged)
    try:
        yield
    finally:
        _OVERRIDES.reset(token)


def bounded(func: Callable[[], dict[str, Any]], what: str) -> dict[str, Any]:
    """func() within the repository deadline (CROBS_REPO_DEADLINE): a huge or pathological checkout
    becomes a data gap instead of holding the report.

    The scan is local CPU and file work with no client library whose timeout could bound it, so it
    runs in a daemon thread that is abandoned (not killed) when the deadline passes.
    """
    from tools.errors import SourceError

    limit = seconds(REPO_DEADLINE_ENV)
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["result"] = func()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=work, name=f"crobs-{what}", daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        raise SourceError(f"the repository {what} did not finish within {limit:g} s "
                          f"({REPO_DEADLINE_ENV} / --repo-deadline)")
    if "error" in box:
        raise box["error"]
    return box["result"]

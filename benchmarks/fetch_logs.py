"""Cloud Logging throughput through the real client and the replay server.

Generates a 200k-entry case (fixed seed, 24 h of Cloud Run logs) into a temp
directory, serves it, and prints:

- entries/s for a 50k-entry fetch through fetch_logs' pager (client
  connection + replay server + normalization), and for the plain
  `Client.list_entries` a user's script would run;
- the number of list calls a 1 h error-focused fetch makes (the quota is
  60 per minute per project);
- how much the replay server's time-range bisection saves: a 1 h query
  against the same filter without a top-level time range.

Run: .venv/bin/python benchmarks/fetch_logs.py [N]
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from logfixture import PROJECT, SERVICE, T0, make_entries, write_case  # noqa: E402

from tools.replay.logging_api import LogStore, answer  # noqa: E402
from tools.replay.server import ReplayServer  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    os.environ["CROBS_LOGGING_RPM"] = "100000"
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        case = write_case(Path(tmp) / "case", make_entries(n, seed=1, span_seconds=24 * 3600))
        print(f"generated {n} entries in {time.perf_counter() - t:.1f}s")
        with ReplayServer(case) as server:
            os.environ["CROBS_GCP_ENDPOINT"] = server.url
            os.environ["HTTP_PROXY"] = server.url  # the client's metadata probe stays on loopback
            os.environ["NO_PROXY"] = "127.0.0.1,localhost"
            from tools.sources.gcp_clients import logging_client
            from tools.sources.logging.cloud_logging import LogFetch, fetch_logs

            t = time.perf_counter()
            answer_first = answer(_store(server), {"resourceNames": [f"projects/{PROJECT}"], "pageSize": 1})
            assert answer_first.status == 200
            load_s = time.perf_counter() - t
            print(f"replay server: first load + index of {n} entries {load_s:.2f}s")

            start = T0.strftime("%Y-%m-%dT%H:%M:%SZ")
            end = (T0 + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
            filt = f'resource.labels.service_name="{SERVICE}" timestamp>="{start}" timestamp<"{end}"'
            fetch = LogFetch(PROJECT, filt, limit=50_000)
            t = time.perf_counter()
            count = sum(1 for _ in fetch.records())
            dt = time.perf_counter() - t
            print(f"fetch_logs pager: {count} records in {dt:.2f}s = {count / dt:,.0f} entries/s, {fetch.calls} calls")

            client = logging_client(PROJECT)
            t = time.perf_counter()
            got = sum(1 for _ in client.list_entries(filter_=filt, page_size=1000, max_results=20_000))
            dt = time.perf_counter() - t
            print(f"Client.list_entries: {got} entries in {dt:.2f}s = {got / dt:,.0f} entries/s")

            one_h_end = (T0 + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            t = time.perf_counter()
            result = fetch_logs(PROJECT, "service", SERVICE, start, one_h_end, severity_min="ERROR", limit=50_000)
            dt = time.perf_counter() - t
            per_hour = n / 24
            print(
                f"1 h error-focused fetch: {len(result['records'])} records of ~{per_hour:,.0f} entries/h, "
                f"{result['calls']} list call(s) ({result['calls'] / 60:.2%} of a minute's quota), {dt:.2f}s"
            )

            store = _store(server)
            bounded = f'severity>=ERROR timestamp>="{start}" timestamp<"{one_h_end}" resource.type="cloud_run_job"'
            unbounded = f'severity>=ERROR (timestamp>="{start}" timestamp<"{one_h_end}") resource.type="cloud_run_job"'
            timings = {}
            for name, text in (("bisected", bounded), ("full scan", unbounded)):
                t = time.perf_counter()
                resp = answer(store, {"resourceNames": [f"projects/{PROJECT}"], "filter": text, "pageSize": 1000})
                timings[name] = time.perf_counter() - t
                assert resp.status == 200
            print(
                f"time-range bisection: {timings['bisected'] * 1000:.1f} ms vs full scan "
                f"{timings['full scan'] * 1000:.1f} ms = {timings['full scan'] / timings['bisected']:.1f}x faster"
            )
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {rss_mb:.0f} MB ({rss_mb * 1024 * 1024 / n:,.0f} bytes per entry incl. interpreter)")


def _store(server: ReplayServer) -> LogStore:
    from tools.replay.logging_api import _store as store_of

    return store_of(server)


if __name__ == "__main__":
    main()

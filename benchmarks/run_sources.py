"""Benchmark: Cloud Run and Monitoring sources on a busy service.

Claims checked (issue 4): rates for a busy service cost one timeSeries.list
call per series whatever the traffic; fetch_metrics time grows about
linearly with the number of points (ratio ~1 per point); revision_timeline
over many revisions takes its serving periods from one request_count query
(two one-entry log probes per recent revision only when metrics are
missing), never a scan of request logs.

    .venv/bin/python benchmarks/run_sources.py [--revisions 20] [--hours 24]

The case is generated into a temporary directory with a fixed seed and served
by the in-process replay server, through the real clients.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.replay.server import ReplayServer  # noqa: E402
from tools.sources.gcp_clients import ENDPOINT_ENV  # noqa: E402
from tools.timewindow import format_time  # noqa: E402

SEED = 4
P, R, S = "demo", "us-central1", "busy"
BASE = datetime(2026, 3, 1, tzinfo=UTC)
BOUNDS = [25, 50, 100, 200, 400, 800, 1600, 3200]


def _revision(i: int) -> dict:
    name = f"projects/{P}/locations/{R}/services/{S}/revisions/{S}-{i:05d}-abc"
    return {
        "name": name,
        "service": f"projects/{P}/locations/{R}/services/{S}",
        "createTime": format_time(BASE - timedelta(days=30) + timedelta(hours=i)),
        "containers": [{"image": f"img@sha256:{i:04x}", "env": [{"name": f"E{j}"} for j in range(i % 5)],
                        "resources": {"limits": {"memory": f"{256 * (1 + i % 3)}Mi", "cpu": "1"}, "cpuIdle": True},
                        "ports": [{"containerPort": 8080}]}],
        "maxInstanceRequestConcurrency": 80 + (i % 4) * 10,
        "conditions": [{"type": "Ready", "state": 4, "lastTransitionTime": format_time(
            BASE - timedelta(days=30) + timedelta(hours=i, seconds=40))}],
    }


def generate(case: Path, revisions: int, hours: int) -> int:
    rng = random.Random(SEED)
    for sub in ("run/services", "run/revisions", "monitoring"):
        (case / sub).mkdir(parents=True, exist_ok=True)
    (case / "case.yaml").write_text(
        f"id: bench\ntarget: {{project_id: {P}, region: {R}, target_type: service, target_name: {S}}}\n"
        f"window: {{start: {format_time(BASE)}, end: {format_time(BASE + timedelta(hours=hours))}}}\n"
    )
    revs = [_revision(i) for i in range(revisions)]
    for rev in revs:
        (case / "run/revisions" / (rev["name"].rsplit("/", 1)[1] + ".json")).write_text(json.dumps(rev))
    service = {"name": f"projects/{P}/locations/{R}/services/{S}", "template": {"containers": revs[-1]["containers"]},
               "latestReadyRevision": revs[-1]["name"], "trafficStatuses": [{"type": 1, "percent": 100}]}
    (case / "run/services" / f"{S}.json").write_text(json.dumps(service))
    points = 0
    serving = [r["name"].rsplit("/", 1)[1] for r in revs[-3:]]  # traffic spread over the last three
    with (case / "monitoring" / "timeseries.jsonl").open("w") as out:
        for rev in serving:
            res = {"type": "cloud_run_revision", "labels": {"project_id": P, "location": R, "service_name": S,
                                                            "revision_name": rev}}
            minutes = range(hours * 60)
            for cls in ("2xx", "5xx"):
                pts = []
                for m in reversed(minutes):
                    end = format_time(BASE + timedelta(minutes=m + 1))
                    pts.append({"interval": {"startTime": format_time(BASE + timedelta(minutes=m)), "endTime": end},
                                "value": {"int64Value": str(rng.randint(0, 500 if cls == "2xx" else 20))}})
                out.write(json.dumps({"metric": {"type": "run.googleapis.com/request_count",
                                                 "labels": {"response_code_class": cls}},
                                      "resource": res, "metricKind": "DELTA", "valueType": "INT64",
                                      "points": pts}) + "\n")
                points += len(pts)
            pts = []
            for m in reversed(minutes):
                counts = [str(rng.randint(0, 50)) for _ in range(len(BOUNDS) + 1)]
                pts.append({"interval": {"endTime": format_time(BASE + timedelta(minutes=m + 1))},
                            "value": {"distributionValue": {"bucketOptions": {"explicitBuckets": {"bounds": BOUNDS}},
                                                            "bucketCounts": counts}}})
            out.write(json.dumps({"metric": {"type": "run.googleapis.com/request_latencies"}, "resource": res,
                                  "metricKind": "DELTA", "valueType": "DISTRIBUTION", "points": pts}) + "\n")
            points += len(pts)
    return points


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--revisions", type=int, default=20)
    parser.add_argument("--hours", type=int, default=24)
    args = parser.parse_args()
    from tools.sources.monitoring import fetch_metrics
    from tools.sources.run.revision_timeline import revision_timeline

    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "case"
        total_points = generate(case, args.revisions, args.hours)
        with ReplayServer(case) as server:
            os.environ[ENDPOINT_ENV] = server.url
            start = format_time(BASE)
            fetch_metrics(P, R, start, format_time(BASE + timedelta(hours=1)), service=S)  # warm imports
            short_end = format_time(BASE + timedelta(hours=1))
            long_end = format_time(BASE + timedelta(hours=args.hours))
            calls0 = server.count("monitoring.timeseries.list")
            small, t_small = timed(fetch_metrics, P, R, start, short_end, service=S)
            calls_small = server.count("monitoring.timeseries.list") - calls0
            big, t_big = timed(fetch_metrics, P, R, start, long_end, service=S)
            calls_big = server.count("monitoring.timeseries.list") - calls0 - calls_small
            n_small = sum(len(v) for v in small["series"].values())
            n_big = sum(len(v) for v in big["series"].values())
            timeline, t_timeline = timed(revision_timeline, P, R, S)
            log_calls0 = server.count("logging.entries.list")
            metric_calls0 = server.count("monitoring.timeseries.list")
            windowed, t_timeline_window = timed(revision_timeline, P, R, S, start=start, end=long_end)
            log_calls = server.count("logging.entries.list") - log_calls0
            metric_calls = server.count("monitoring.timeseries.list") - metric_calls0
    print(f"generated points:                 {total_points}")
    print(f"fetch_metrics 1h:  {t_small * 1000:8.1f} ms, {calls_small} calls, {n_small} output points")
    print(f"fetch_metrics {args.hours}h: {t_big * 1000:8.1f} ms, {calls_big} calls, {n_big} output points")
    print(f"calls ratio ({args.hours}h / 1h):          {calls_big / calls_small:.2f}  (goal 1.00: one call per series)")
    per_small, per_big = t_small / max(n_small, 1), t_big / max(n_big, 1)
    print(f"per-point time ratio ({args.hours}h / 1h): {per_big / per_small:.2f}  (about 1 or below = linear)")
    print(f"revision_timeline, {args.revisions} revisions: {t_timeline * 1000:.1f} ms, "
          f"{len(timeline['changes'])} diffs")
    basis = sorted({p["basis"] for p in windowed["serving_periods"]})
    print(f"  with a {args.hours}h window: {t_timeline_window * 1000:.1f} ms, {metric_calls} timeSeries.list + "
          f"{log_calls} entries:list calls (goal 1 + 0 with metrics), basis {basis}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

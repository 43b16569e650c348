"""Generator for the real-incident case `cerulean-orchestrator-oom`.

Sources: SkyTruth/cerulean-cloud issue #90 and PR #136.
The Cerulean orchestrator (FastAPI on Cloud Run, 5Gi, default concurrency)
processes one Sentinel-1 scene per Cloud Tasks request and builds the scene's
aux datasets and all tile inferences in memory; when two large scenes overlap on
one instance it is killed at the limit ("Memory limit of 5120 MiB exceeded with
5261 MiB used."), about once an hour (~25 a day).
"""
import hashlib
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "cerulean-orchestrator-oom"
SEED = 90
PROJECT = "cerulean-prod-52731"
PROJECT_NUMBER = "417305662981"
REGION = "europe-west1"
SERVICE = "cerulean-cloud-production-cloud-run-orchestrator"
DIGEST = hashlib.sha256(b"cerulean-orchestrator-image-2023-08-07").hexdigest()
REVISION = f"{SERVICE}-{DIGEST[8:20]}"
PREV_DIGEST = hashlib.sha256(b"cerulean-orchestrator-image-2023-08-05").hexdigest()
PREV_REVISION = f"{SERVICE}-{PREV_DIGEST[8:20]}"
URL = "https://cerulean-cloud-production-cloud-run-orchestrator-5kq2hzvx7a-ew.a.run.app"
LIMIT_MIB = 5120
AUX_F = 0.000022
TILE_F = 20.0
WINDOW_START = datetime(2023, 8, 8, 8, 0, 0, tzinfo=timezone.utc)
WINDOW_END = datetime(2023, 8, 8, 12, 0, 0, tzinfo=timezone.utc)
INFRA = "https://storage.googleapis.com/ceruleanml/aux_datasets/infra_locations_01_cogeo.tiff"

REV_RES = {"type": "cloud_run_revision", "labels": {
    "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
    "revision_name": REVISION, "configuration_name": SERVICE}}


def iso(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_s(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.entries = []

    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def add(self, t, log, severity, key, payload, inst, http=None, trace=None):
        e = {
            "insertId": self.hexid(16) if "requests" not in log else self.hexid(12),
            "logName": f"projects/{PROJECT}/logs/{log}",
            "resource": REV_RES,
            "timestamp": iso(t),
            "receiveTimestamp": iso(t + timedelta(seconds=self.rng.uniform(0.004, 0.3))),
            "severity": severity,
            "labels": {"instanceId": inst},
        }
        if key:
            e[key] = payload
        if http:
            e["httpRequest"] = http
        if trace:
            e["trace"] = f"projects/{PROJECT}/traces/{trace}"
        self.entries.append(e)
        return e


def scene_id(rng, t):
    sat = rng.choice(["S1A"])
    start = t - timedelta(hours=rng.uniform(2.5, 5.5))
    stop = start + timedelta(seconds=25)
    orbit = 49761 + int((start - datetime(2023, 8, 8, tzinfo=timezone.utc)).total_seconds() // 6000)
    take = rng.randint(0x5F9000, 0x5FAFFF)
    return (f"{sat}_IW_GRDH_1SDV_{start.strftime('%Y%m%dT%H%M%S')}_{stop.strftime('%Y%m%dT%H%M%S')}_"
            f"{orbit:06d}_{take:06X}_{''.join(rng.choice('0123456789ABCDEF') for _ in range(4))}")


def plan_scene(g, t0, sid, inst):
    """Return (planned stdout/stderr lines [(t, log, sev, text)], duration s, peak MiB, ramp fn, outcome)."""
    rng = g.rng
    lines = []
    t = t0

    def p(dt, text, log="run.googleapis.com%2Fstdout", sev="DEFAULT"):
        nonlocal t
        t = t + timedelta(seconds=dt)
        lines.append((t, log, sev, text))

    lon = rng.uniform(-30, 150)
    lat = rng.uniform(-45, 62)
    w, h = rng.uniform(2.3, 3.4), rng.uniform(1.6, 2.3)
    bounds = [round(lon, 14), round(lat, 14), round(lon + w, 14), round(lat + h, 14)]
    big = rng.random() < 0.23
    ntiles_orig = rng.randint(70, 110)
    nocean = int(ntiles_orig * (rng.uniform(0.75, 1.0) if big else rng.uniform(0.15, 0.7)))
    noff_orig = ntiles_orig + rng.randint(12, 22)
    noff = min(noff_orig, nocean + rng.randint(4, 15))
    shape = (rng.randint(5800, 7400), rng.randint(8400, 11200))
    peak = 300 + AUX_F * shape[0] * shape[1] * (1.0 if big else 0.55) + nocean * rng.uniform(TILE_F * 0.8, TILE_F * 1.2)
    start_time = t0 + timedelta(seconds=0.004)
    p(0.003, f"Orchestrating for sceneid {sid}")
    p(0.001, f"Start time: {start_time.strftime('%Y-%m-%d %H:%M:%S.%f')}")
    p(rng.uniform(0.2, 0.6), "zoom: 9")
    p(0.001, "scale: 2")
    p(rng.uniform(1.5, 4.0), f"scene_bounds: {bounds}")
    p(0.001, "scene_stats: {'min': 0.0, 'max': %d.0}" % rng.randint(900, 3400))
    p(0.001, "scene_info: {'id': '%s', 'path': 'GRD/%s/IW/DV/%s', 'missionId': '%s', 'productType': 'GRD', 'mode': 'IW', 'polarization': 'DV', 'startTime': '%s', 'stopTime': '%s'}" % (
        sid, sid[17:21] + "/" + str(int(sid[21:23])) + "/" + str(int(sid[23:25])), sid, sid[:3],
        datetime.strptime(sid[17:32], "%Y%m%dT%H%M%S").strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
        datetime.strptime(sid[33:48], "%Y%m%dT%H%M%S").strftime("%Y-%m-%dT%H:%M:%S.000000Z")))
    gb = [round(bounds[0] - 0.1, 13), round(bounds[1] - 0.12, 13), round(bounds[2] + 0.2, 13), round(bounds[3] + 0.15, 13)]
    p(rng.uniform(0.05, 0.2), f"base_group_bounds: {gb}")
    p(rng.uniform(0.01, 0.05), f"Offset image shape is {shape}")
    p(0.001, f"offset_group_bounds: {[round(gb[0] - 0.35, 13), round(gb[1] - 0.2, 13), round(gb[2] + 0.35, 13), round(gb[3] + 0.2, 13)]}")
    p(0.001, f"Original tiles are {ntiles_orig}, {noff_orig}")
    p(rng.uniform(1.5, 3.0), f"Preparing {nocean} base tiles (no land).")
    p(0.001, f"Preparing {noff} offset tiles (no land).")
    p(rng.uniform(0.2, 0.5), f"Instantiating inference client with aux_dataset = ['ship_density', '{INFRA}']...")
    t_aux = t
    p(rng.uniform(25, 70), "Inference on base tiles!")
    p(nocean * rng.uniform(0.9, 1.6), "Inference on offset tiles!")
    t_merge = t + timedelta(seconds=noff * rng.uniform(0.9, 1.6))
    p((t_merge - t).total_seconds(), "Loading all tiles into memory for merge!")
    p(rng.uniform(8, 25), "Merging base tiles!")
    p(rng.uniform(4, 12), "Merging offset tiles!")
    nsl = rng.choice([0, 0, 1, 1, 2, 3, 5])
    feats = ", ".join('{"geometry": {"coordinates": [[[%.6f, %.6f], [%.6f, %.6f], [%.6f, %.6f], [%.6f, %.6f]]], "type": "Polygon"}, "properties": {"classification": %d, "confidence": %.4f}, "type": "Feature"}' % (
        lon + k * 0.2, lat + 0.3, lon + k * 0.2 + 0.01, lat + 0.3, lon + k * 0.2 + 0.01, lat + 0.31, lon + k * 0.2, lat + 0.3,
        rng.choice([1, 2, 3]), rng.uniform(0.5, 0.97)) for k in range(nsl))
    p(rng.uniform(4, 12), 'XXXDEBUG out_fc {"features": [%s], "type": "FeatureCollection"}' % feats)
    p(0.001, 'XXXDEBUG out_fc_offset {"features": [%s], "type": "FeatureCollection"}' % feats)
    crs_bug = rng.random() < 0.06 and nsl > 0
    if crs_bug:
        z = rng.randint(20, 50)
        tb = ("ERROR:    Exception in ASGI application\n"
              "Traceback (most recent call last):\n"
              '  File "/usr/local/lib/python3.8/site-packages/uvicorn/protocols/http/h11_impl.py", line 428, in run_asgi\n'
              "    result = await app(  # type: ignore[func-returns-value]\n"
              '  File "/usr/local/lib/python3.8/site-packages/fastapi/routing.py", line 241, in app\n'
              "    raw_response = await run_endpoint_function(\n"
              '  File "/app/cerulean_cloud/cloud_run_orchestrator/handler.py", line 181, in orchestrate\n'
              "    return await _orchestrate(\n"
              '  File "/app/cerulean_cloud/cloud_run_orchestrator/handler.py", line 428, in _orchestrate\n'
              "    merged_inferences = merge_inferences(out_fc, out_fc_offset)\n"
              '  File "/app/cerulean_cloud/cloud_run_orchestrator/merging.py", line 60, in merge_inferences\n'
              "    all_grid_gdf = concat_grids_adjust_conf(\n"
              '  File "/app/cerulean_cloud/cloud_run_orchestrator/merging.py", line 34, in concat_grids_adjust_conf\n'
              "    return pd.concat([grid_offset, grid_base])\n"
              '  File "/usr/local/lib/python3.8/site-packages/geopandas/array.py", line 1356, in _crs_mismatch_warn\n'
              "    raise ValueError(\n"
              f"ValueError: Cannot determine common CRS for concatenation inputs, got ['WGS 84 / UTM zone {z}N', 'WGS 84 / UTM zone {z + 1}N']. Use `to_crs()` to transform geometries to the same CRS before merging.")
        p(rng.uniform(0.3, 1.0), tb, "run.googleapis.com%2Fstderr", "DEFAULT")
        status = 500
    else:
        for k in range(nsl):
            p(rng.uniform(0.1, 0.4), f"Added slick <cerulean_cloud.database_schema.Slick object at 0x7f{g.hexid(10)}>")
        end = t + timedelta(seconds=0.002)
        p(0.002, f"End time: {end.strftime('%Y-%m-%d %H:%M:%S.%f')}")
        p(0.001, "Returning results!")
        status = 200
    dur = (t - t0).total_seconds() + rng.uniform(0.05, 0.3)

    def mem(at):
        s = (at - t0).total_seconds()
        if s < 0 or s > dur:
            return 0.0
        a = (t_aux - t0).total_seconds()
        m = (t_merge - t0).total_seconds()
        if s < a:
            return 60.0
        if s < m:  # aux datasets for the whole offset image, then tiles accumulate
            return 0.45 * peak + 0.35 * peak * (s - a) / max(m - a, 1)
        return peak
    return lines, dur, peak, mem, status, big


def write(out_parent: Path) -> int:
    g = Gen()
    rng = g.rng
    out = out_parent / CASE_ID
    for sub in ("logging", "run/services", "run/revisions"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    def new_inst():
        return "0087244a80" + g.hexid(118)

    def startup(t, inst):
        for dt, text in [(0.0, "INFO:     Started server process [1]"), (0.002, "INFO:     Waiting for application startup."),
                         (0.004, "INFO:     Application startup complete."),
                         (0.006, "INFO:     Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)")]:
            g.add(t + timedelta(seconds=dt), "run.googleapis.com%2Fstderr", "DEFAULT", "textPayload", text, inst)

    alive = {}  # inst -> [start, end]
    insts = [new_inst(), new_inst()]
    alive[insts[0]] = [WINDOW_START - timedelta(hours=3, minutes=12), None]
    alive[insts[1]] = [WINDOW_START - timedelta(minutes=41), None]

    # Cloud Tasks dispatches one request per relevant Sentinel-1 scene
    arrivals = []
    t = WINDOW_START + timedelta(seconds=rng.uniform(5, 60))
    while t < WINDOW_END - timedelta(minutes=2):
        arrivals.append((t, scene_id(rng, t), 0))
        t += timedelta(seconds=rng.expovariate(1 / 140.0))

    active = {}  # inst -> list of dict(req)
    oom_entries = []
    first_oom_done = False
    tick = timedelta(seconds=5)
    now = WINDOW_START
    queue = sorted(arrivals)
    n_req = 0

    def finish(req, t_end, killed):
        inst = req["inst"]
        for (tt, log, sev, text) in req["lines"]:
            if tt <= t_end:
                g.add(tt, log, sev, "textPayload", text, inst)
        lat = (t_end - req["t0"]).total_seconds()
        status = 503 if killed else req["status"]
        http = {
            "requestMethod": "POST", "requestUrl": URL + "/orchestrate",
            "requestSize": str(rng.randint(1900, 2100)), "status": status,
            "responseSize": str(0 if killed else (rng.randint(1400, 9000) if status == 200 else 21)),
            "userAgent": "Google-Cloud-Tasks", "remoteIp": "107.178.%d.%d" % (rng.randint(192, 207), rng.randint(2, 250)),
            "serverIp": "216.239.%d.53" % rng.choice([32, 34, 36, 38]), "latency": f"{lat:.6f}s", "protocol": "HTTP/1.1",
        }
        sev = "INFO" if status < 400 else "ERROR"
        e = g.add(req["t0"], "run.googleapis.com%2Frequests", sev, None, None, inst, http=http, trace=req["trace"])
        e["spanId"] = str(rng.randint(10**18, 9 * 10**18))
        if not killed:
            g.add(t_end - timedelta(milliseconds=3), "run.googleapis.com%2Fstdout", "DEFAULT", "textPayload",
                  f'INFO:     169.254.1.1:{rng.randint(20000, 65000)} - "POST /orchestrate HTTP/1.1" {status} '
                  + ("OK" if status == 200 else "Internal Server Error"), inst)

    while now < WINDOW_END or any(active.values()):
        # dispatch arrivals
        while queue and queue[0][0] <= now:
            t_arr, sid, attempt = queue.pop(0)
            live = [i for i, (s, e) in alive.items() if e is None and s <= t_arr]
            if not live:  # the request waits for the replacement instance
                inst = min((i for i, (s, e) in alive.items() if e is None), key=lambda i: alive[i][0])
                t_arr = alive[inst][0] + timedelta(seconds=rng.uniform(0.3, 1.5))
            else:
                inst = min(live, key=lambda i: (len(active.get(i, [])), rng.random()))
            lines, dur, peak, mem, status, big = plan_scene(g, t_arr, sid, inst)
            active.setdefault(inst, []).append({"t0": t_arr, "sid": sid, "lines": lines, "dur": dur, "mem": mem,
                                                "status": status, "inst": inst, "attempt": attempt, "trace": g.hexid(32)})
            n_req += 1
        # completions
        for inst in list(active):
            keep = []
            for r in active[inst]:
                t_end = r["t0"] + timedelta(seconds=r["dur"])
                if t_end <= now:
                    finish(r, t_end, False)
                else:
                    keep.append(r)
            active[inst] = keep
        # memory check
        for inst in list(active):
            if not active[inst]:
                continue
            used = 340 + sum(r["mem"](now) for r in active[inst])
            if used > LIMIT_MIB:
                t_kill = now - timedelta(seconds=rng.uniform(0.1, 4.9))
                used_mib = 5261 if not first_oom_done else int(used + rng.uniform(20, 160))
                first_oom_done = True
                oom_entries.append(g.add(t_kill, "run.googleapis.com%2Fvarlog%2Fsystem", "ERROR", "textPayload",
                                         f"Memory limit of {LIMIT_MIB} MiB exceeded with {used_mib} MiB used. Consider increasing the memory limit, see https://cloud.google.com/run/docs/configuring/memory-limits",
                                         inst))
                for r in active[inst]:
                    finish(r, t_kill, True)
                    # Cloud Tasks retries the scene later
                    queue.append((t_kill + timedelta(seconds=rng.uniform(20, 140) * (2 ** r["attempt"])), r["sid"], r["attempt"] + 1))
                queue.sort()
                active[inst] = []
                alive[inst][1] = t_kill
                ni = new_inst()
                t_new = t_kill + timedelta(seconds=rng.uniform(6, 14))
                alive[ni] = [t_new, None]
                startup(t_new, ni)
        now += tick
        if now > WINDOW_END + timedelta(minutes=20):
            break

    assert oom_entries, "no OOM simulated"
    entries = sorted(g.entries, key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    # ---------------------------------------------------------------- Cloud Run resources
    svc_name = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    env = [
        {"name": "DB_URL", "value": f"postgresql+asyncpg://cerulean-cloud-production-database:********@/cerulean-cloud-production-database?host=/cloudsql/{PROJECT}:{REGION}:cerulean-cloud-production-database-instance"},
        {"name": "TITILER_URL", "value": "https://k3v8x2n1qd.execute-api.eu-central-1.amazonaws.com"},
        {"name": "INFERENCE_URL", "value": "https://cerulean-cloud-production-cloud-run-offset-tiles-5kq2hzvx7a-ew.a.run.app"},
        {"name": "AUX_INFRA_DISTANCE", "value": INFRA},
        {"name": "GIT_HASH", "value": "4615fe0d4f66786f94afe07622354885c3ed719c"},
        {"name": "GIT_TAG", "value": ""},
        {"name": "MODEL", "value": "gs://ceruleanml/experiments/cv3/2023_07_27_model.pt"},
        {"name": "CLOUD_RUN_NAME", "value": SERVICE},
        {"name": "PROJECT_ID", "value": PROJECT},
        {"name": "API_KEY", "value": "********"},
    ]

    def container(digest):
        return {
            "image": f"gcr.io/{PROJECT}/cerulean-cloud-images-production-cloud-run-orchestrator-image@sha256:{digest}",
            "ports": [{"name": "http1", "containerPort": 8080}],
            "env": env,
            "resources": {"limits": {"cpu": "2000m", "memory": "5Gi"}, "cpuIdle": True},
            "volumeMounts": [{"name": "cloudsql", "mountPath": "/cloudsql"}],
            "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
        }

    volumes = [{"name": "cloudsql", "cloudSqlInstance": {"instances": [f"{PROJECT}:{REGION}:cerulean-cloud-production-database-instance"]}}]
    rev_create = datetime(2023, 8, 7, 20, 31, 4, tzinfo=timezone.utc)
    template = {
        "revision": REVISION,
        "scaling": {"maxInstanceCount": 100},
        "containers": [container(DIGEST)],
        "volumes": volumes,
        "timeout": "3540s",
        "serviceAccount": f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com",
        "maxInstanceRequestConcurrency": 80,
    }
    service = {
        "name": svc_name,
        "uid": "9b0c6d2e-4f1a-4e83-b7a5-0d2c9e8f6a41",
        "generation": "37",
        "annotations": {"run.googleapis.com/launch-stage": "BETA"},
        "createTime": "2022-06-16T10:22:09.317455Z",
        "updateTime": iso(rev_create),
        "creator": f"pulumi-deployer@{PROJECT}.iam.gserviceaccount.com",
        "lastModifier": f"pulumi-deployer@{PROJECT}.iam.gserviceaccount.com",
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "BETA",
        "template": template,
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "37",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(rev_create + timedelta(seconds=48))},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(rev_create + timedelta(seconds=48))},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(rev_create + timedelta(seconds=46))},
        ],
        "latestReadyRevision": f"{svc_name}/revisions/{REVISION}",
        "latestCreatedRevision": f"{svc_name}/revisions/{REVISION}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": URL,
        "reconciling": False,
        "etag": '"CJ-M4aYGEOjmkPkC/cHJvamVjdHMvY2VydWxlYW4tcHJvZC01MjczMS9sb2NhdGlvbnMvZXVyb3BlLXdlc3QxL3NlcnZpY2VzL2NlcnVsZWFu"',
    }
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(service, sort_keys=True, indent=2) + "\n")

    def revision(name, digest, created, gen, mem):
        c = container(digest)
        c["resources"]["limits"]["memory"] = mem
        return {
            "name": f"{svc_name}/revisions/{name}",
            "uid": str(uuid.UUID(int=random.Random(name).getrandbits(128), version=4)),
            "generation": "1",
            "labels": {"serving.knative.dev/configurationGeneration": str(gen)},
            "annotations": {"run.googleapis.com/cloudsql-instances": f"{PROJECT}:{REGION}:cerulean-cloud-production-database-instance"},
            "createTime": iso(created),
            "updateTime": iso(created + timedelta(seconds=47)),
            "launchStage": "BETA",
            "service": SERVICE,
            "scaling": {"maxInstanceCount": 100},
            "containers": [c],
            "volumes": volumes,
            "timeout": "3540s",
            "serviceAccount": f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com",
            "maxInstanceRequestConcurrency": 80,
            "conditions": [
                {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=46))},
                {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=46))},
                {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=21))},
            ],
            "observedGeneration": "1",
            "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{name}",
            "reconciling": False,
            "etag": f'"{name}"',
        }

    (out / "run" / "revisions" / f"{REVISION}.json").write_text(
        json.dumps(revision(REVISION, DIGEST, rev_create, 37, "5Gi"), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{PREV_REVISION}.json").write_text(
        json.dumps(revision(PREV_REVISION, PREV_DIGEST, datetime(2023, 8, 5, 23, 39, 40, tzinfo=timezone.utc), 36, "5Gi"), sort_keys=True, indent=2) + "\n")

    n_oom = len(oom_entries)
    case = {
        "id": CASE_ID,
        "title": "Orchestrator keeps dropping Sentinel-1 scenes: Cloud Tasks deliveries to /orchestrate fail with 503 about once an hour",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": iso_s(WINDOW_START), "end": iso_s(WINDOW_END)},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/SkyTruth/cerulean-cloud/issues/90",
                        "https://github.com/SkyTruth/cerulean-cloud/pull/136"],
            "verbatim": [
                "Memory limit of 5120 MiB exceeded with 5261 MiB used.",
                "Instantiating inference client with aux_dataset = ",
                "Loading all tiles into memory for merge!",
            ],
            "reconstructed": (
                "Issue #90 (2023-08-08) reports 'Memory limit of 5120 MiB exceeded with 5261 MiB used.' about 25 times a day on the "
                "orchestrator at 5GB and names stack/cloud_run_orchestrator.py as where to raise the memory; the same day commit 16291e7 "
                "raised it to 6Gi. PR #136 (2024-12) later traced the memory to the aux datasets that are kept in memory per scene and "
                "not released when tile inference fails. The case rebuilds a four-hour morning of 2023-08-08 at the pre-fix commit "
                "(aea4250, 5Gi, default concurrency 80, timeout 3540s, europe-west1). Generated by "
                "evals/realgen/cerulean-orchestrator-oom.py (seed 90): the invented project id, URLs, revision names (service name + "
                "image digest slice, as the Pulumi stack names them), instance ids, insertIds, scene ids and times; Cloud Tasks POSTs "
                "to /orchestrate about every 2-3 minutes, each printing the handler's own print() lines from the pinned commit plus "
                "uvicorn's access/startup lines; a per-request memory model (aux dataset for the offset image, then all tiles held for "
                "the merge) that kills an instance when large scenes overlap, giving "
                f"{n_oom} kills in the window with in-flight requests failing with 503 and Cloud Tasks retrying them. "
                "Killed-request log lines carry no text because the sources quote none. A known, unrelated bug (ValueError 'Cannot "
                "determine common CRS for concatenation inputs', quoted in the handler's XXXBUG comment) produces an occasional 500 with "
                "a traceback as a distraction. Memory sizes are invented."
            ),
            "project": "SkyTruth/cerulean-cloud",
            "language": "python",
            "covers": ["memory"],
        },
        "expect": {
            "root_causes": ["memory-limit-exceeded"],
            "not_above": ["container-crash", "downstream-dependency", "request-timeout"],
            "must_cite": [
                ["stack/cloud_run_orchestrator.py:80", "cerulean_cloud/cloud_run_orchestrator/clients.py:62",
                 f"{svc_name}#template.containers[0].resources.limits.memory"],
                [f"run.googleapis.com/varlog/system#{x['insertId']}" for x in oom_entries],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=1000))
    repo = {
        "repository": "SkyTruth/cerulean-cloud",
        "commit": "aea42503affdef7c88ea81f1c1ff167418f9ba68",
        "license": "Apache-2.0",
        "language": "python",
        "fix": "https://github.com/SkyTruth/cerulean-cloud/commit/16291e7a50b24e35e271afa594210a67781bb838",
    }
    (out / "repo.yaml").write_text(yaml.safe_dump(repo, sort_keys=False))
    return len(entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} log entries")

#!/usr/bin/env python3
"""Generator for the real-incident case `openmapflow-gvisor-syscall-noise`.

Rebuilt from nasaharvest/openmapflow issue #11 ("Upgrade Cloud Run to gen2 execution
environment": the inference service's logs are cluttered with gVisor 'Container Sandbox:
Unsupported syscall setsockopt(...)' lines which, in the message's own words, can very likely
be safely ignored) and google/gvisor issue #8011 (the same setsockopt lines spamming Cloud Run
first-generation logs of a JDK service). The window is a normal, successful inference run.
Deterministic: fixed seed, fixed timestamps, sorted JSON keys.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False

CASE_ID = "openmapflow-gvisor-syscall-noise"
SEED = 118011
PROJECT = "mapflow-demo-2291"
REGION = "us-central1"
SERVICE = "crop-mask-example"
REV = "crop-mask-example-00004-wid"
MODEL = "Togo_crop-mask_2019_February"
IMAGE = f"us-central1-docker.pkg.dev/{PROJECT}/{SERVICE}/{SERVICE}:latest"
HOST = "https://crop-mask-example-q4nw7l2vda-uc.a.run.app"
IN_BUCKET = "crop-mask-example-inference-tifs"
PRED_BUCKET = "crop-mask-example-preds"

WIN_START = datetime(2022, 6, 2, 13, 30, 0, tzinfo=timezone.utc)
WIN_END = datetime(2022, 6, 2, 15, 30, 0, tzinfo=timezone.utc)
RUN_START = datetime(2022, 6, 2, 13, 52, 17, 0, tzinfo=timezone.utc)

SUFFIX_NEW = (" It is very likely that you can safely ignore this message and that this is not the cause of any "
              "error you might be troubleshooting. Please, refer to "
              "https://gvisor.dev/docs/user_guide/compatibility/linux/amd64/#setsockopt for more information.")
# exact lines quoted by the sources
QUOTED_11 = ("Container Sandbox: Unsupported syscall setsockopt(0x83,0x1,0xd,0x3e8fec5fdf80,0x8,0x4)." + SUFFIX_NEW)
QUOTED_8011 = [
    "Container Sandbox: Unsupported syscall setsockopt(0xdc,0x29,0x12,0x3e45757fdacc,0x4,0x0).",
    "Container Sandbox: Unsupported syscall setsockopt(0xda,0x10e,0x3,0x3e33da1fd770,0x4,0x3e342e00ce50).",
    "Container Sandbox: Unsupported syscall setsockopt(0xce,0x10e,0x3,0x3e07dfffd770,0x4,0x0)",
]


def ts(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def l4j(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S,") + f"{t.microsecond // 1000:03d}"


class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.entries = []
        self.n = 0

    def iid(self):
        self.n += 1
        return "".join(self.rng.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(10)) + f"{self.n:06x}"

    def hexid(self, k):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(k))

    def resource(self):
        return {"type": "cloud_run_revision", "labels": {
            "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
            "revision_name": REV, "configuration_name": SERVICE}}

    def add(self, e, t):
        e["timestamp"] = ts(t)
        e["receiveTimestamp"] = ts(t + timedelta(milliseconds=self.rng.randint(30, 900)))
        e.setdefault("insertId", self.iid())
        self.entries.append(e)
        return e

    def text(self, t, inst, log, payload, severity="DEFAULT"):
        return self.add({
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2F{log}",
            "resource": self.resource(), "labels": {"instanceId": inst},
            "severity": severity, "textPayload": payload}, t)

    def ts_log(self, t, inst, level, thread, logger, msg):
        return self.text(t, inst, "stdout", f"{l4j(t)} [{level} ] {thread} {logger} - {msg}")

    def sandbox(self, t, inst, line):
        return self.text(t, inst, "varlog%2Fsystem", line, "WARNING")

    def request(self, t, inst, status, size, latency, ua, remote, path):
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        return self.add({
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Frequests",
            "resource": self.resource(), "labels": {"instanceId": inst},
            "severity": sev,
            "trace": f"projects/{PROJECT}/traces/{self.hexid(32)}",
            "httpRequest": {
                "requestMethod": "POST", "requestUrl": HOST + path,
                "requestSize": str(self.rng.randint(520, 640)), "status": status,
                "responseSize": str(size), "userAgent": ua, "remoteIp": remote,
                "serverIp": "216.239.38.53", "latency": f"{latency:.6f}s", "protocol": "HTTP/1.1"},
        }, t)


def setsockopt_line(rng, fd=None):
    fd = fd if fd is not None else rng.randint(0x40, 0x160)
    addr = "0x3e" + "".join(rng.choice("0123456789abcdef") for _ in range(10))
    flavor = rng.random()
    if flavor < 0.7:   # SOL_SOCKET / SO_LINGER, as in openmapflow#11
        args = f"{fd:#x},0x1,0xd,{addr},0x8,{rng.choice(['0x0', '0x4', '0x3e' + ''.join(rng.choice('0123456789abcdef') for _ in range(10))])}"
    elif flavor < 0.85:  # IPPROTO_IPV6 option, as in gvisor#8011
        args = f"{fd:#x},0x29,0x12,{addr},0x4,0x0"
    else:               # SOL_NETLINK option, as in gvisor#8011
        args = f"{fd:#x},0x10e,0x3,{addr},0x4,0x0"
    return f"Container Sandbox: Unsupported syscall setsockopt({args})." + SUFFIX_NEW


def build():
    g = Gen()
    rng = g.rng
    insts = ["00f46b92858" + g.hexid(117) for _ in range(4)]
    inst_start = [datetime(2022, 6, 2, 13, 52, 19, 40000, tzinfo=timezone.utc),
                  datetime(2022, 6, 2, 13, 53, 2, 515000, tzinfo=timezone.utc),
                  datetime(2022, 6, 2, 13, 54, 11, 808000, tzinfo=timezone.utc),
                  datetime(2022, 6, 2, 13, 55, 40, 120000, tzinfo=timezone.utc)]
    ready = []
    noise_ids = []
    quoted_done = {"q11": False, "q8011": 0}

    def noise(t, inst):
        if not quoted_done["q11"] and inst == insts[1]:
            line = QUOTED_11
            quoted_done["q11"] = True
        elif quoted_done["q8011"] < 3 and inst == insts[2] and rng.random() < 0.5:
            q = QUOTED_8011[quoted_done["q8011"]]
            line = q + ("" if q.endswith(".") else ".") + SUFFIX_NEW
            quoted_done["q8011"] += 1
        else:
            line = setsockopt_line(rng)
        e = g.sandbox(t, inst, line)
        noise_ids.append(e["insertId"])

    for inst, t0 in zip(insts, inst_start):
        t = t0
        g.text(t, inst, "stderr", "WARNING: sun.reflect.Reflection.getCallerClass is not supported. This will impact performance.")
        t += timedelta(seconds=rng.uniform(0.6, 1.2))
        g.ts_log(t, inst, "INFO", "main", "org.pytorch.serve.servingsdk.impl.PluginsManager", "Initializing plugins manager...")
        t += timedelta(seconds=rng.uniform(0.5, 1.0))
        g.ts_log(t, inst, "INFO", "main", "org.pytorch.serve.ModelServer", "\nTorchserve version: 0.5.3\nTS Home: /usr/local/lib/python3.8/dist-packages\n"
                 "Current directory: /home/model-server\nTemp directory: /home/model-server/tmp\nNumber of GPUs: 0\nNumber of CPUs: 4\n"
                 "Max heap size: 2048 M\nPython executable: /usr/bin/python3\nConfig file: /home/model-server/config.properties\n"
                 "Inference address: http://0.0.0.0:8080\nManagement address: http://0.0.0.0:8081\nMetrics address: http://0.0.0.0:8082\n"
                 "Model Store: /home/model-server/model-store\nInitial Models: " + f"{MODEL}={MODEL}.mar")
        t += timedelta(seconds=0.2)
        g.ts_log(t, inst, "INFO", "main", "org.pytorch.serve.ModelServer", f"Loading initial models: {MODEL}.mar")
        t += timedelta(seconds=rng.uniform(4, 9))
        g.ts_log(t, inst, "INFO", "main", "org.pytorch.serve.wlm.ModelManager", f"Model {MODEL} loaded.")
        t += timedelta(seconds=0.1)
        g.ts_log(t, inst, "INFO", "main", "org.pytorch.serve.ModelServer", "Inference API bind to: http://0.0.0.0:8080")
        g.ts_log(t + timedelta(milliseconds=3), inst, "INFO", "main", "org.pytorch.serve.ModelServer", "Management API bind to: http://0.0.0.0:8081")
        for _ in range(rng.randint(2, 4)):
            noise(t + timedelta(milliseconds=rng.randint(5, 60)), inst)
        g.text(t + timedelta(milliseconds=70), inst, "stdout", "Model server started.")
        g.add({
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Fvarlog%2Fsystem",
            "resource": g.resource(), "labels": {"instanceId": inst}, "severity": "INFO",
            "textPayload": f'Default STARTUP TCP probe succeeded after 1 attempt for container "{SERVICE}-1" on port 8080.'},
            t + timedelta(milliseconds=180))
        wt = t + timedelta(seconds=rng.uniform(2.5, 5))
        g.ts_log(wt, inst, "INFO", f"W-9000-{MODEL}_1.0-stdout", "MODEL_LOG", f"HANDLER: Dest bucket: {PRED_BUCKET}")
        g.ts_log(wt + timedelta(milliseconds=30), inst, "INFO", f"W-9000-{MODEL}_1.0-stdout", "MODEL_LOG", "HANDLER: Starting up handler")
        ready.append(wt + timedelta(seconds=1.0))

    # tiles of the export: Cloud Function posts one prediction per tif
    fn_ua = "python-requests/2.27.1"
    fn_ip = "2600:1900:2000:44::1d"
    tiles = [f"{MODEL}/batch_{i}_2019-02-01_2020-02-01.tif" for i in range(180)]
    t = RUN_START + timedelta(seconds=2)
    busy = {i: [] for i in insts}
    for k, tile in enumerate(tiles):
        live = [i for i, r in zip(insts, ready) if r <= t] or [insts[0]]
        inst = min(live, key=lambda i: len([x for x in busy[i] if x > t]))
        uri = f"gs://{IN_BUCKET}/{tile}"
        dur = rng.uniform(22, 75)
        busy[inst].append(t + timedelta(seconds=dur))
        worker = f"W-{9000 + rng.randint(0, 3)}-{MODEL}_1.0"
        g.ts_log(t + timedelta(milliseconds=12), inst, "INFO", f"{worker}-stdout", "MODEL_LOG", "HANDLER: Starting preprocessing")
        if k in (37, 118):
            # object notification arrives before the object is readable: the handler retries
            g.ts_log(t + timedelta(milliseconds=40), inst, "INFO", f"{worker}-stdout", "MODEL_LOG",
                     f"HANDLER: {uri} does not exist, sleeping for 5 seconds and retrying.")
            dur += 5
        g.ts_log(t + timedelta(seconds=5.1 if k in (37, 118) else 0.1), inst, "INFO", f"{worker}-stdout", "MODEL_LOG", f"HANDLER: Verified {uri} exists.")
        g.ts_log(t + timedelta(seconds=rng.uniform(1.5, 4)), inst, "INFO", f"{worker}-stdout", "MODEL_LOG", "HANDLER: Starting inference")
        if rng.random() < 0.55:
            noise(t + timedelta(seconds=rng.uniform(0.5, dur - 1)), inst)
        if rng.random() < 0.25:
            noise(t + timedelta(seconds=rng.uniform(0.5, dur - 1)), inst)
        done = t + timedelta(seconds=dur)
        g.ts_log(done - timedelta(seconds=1.2), inst, "INFO", f"{worker}-stdout", "MODEL_LOG", "HANDLER: Completed inference")
        dest = f"gs://{PRED_BUCKET}/{MODEL}/pred_{Path(tile).stem}.nc"
        g.ts_log(done - timedelta(seconds=0.2), inst, "INFO", f"{worker}-stdout", "MODEL_LOG", f"HANDLER: Uploaded to {dest}")
        g.ts_log(done - timedelta(milliseconds=20), inst, "INFO", worker, "org.pytorch.serve.wlm.WorkerThread", f"Backend response time: {int((dur - 0.1) * 1000)}")
        g.ts_log(done, inst, "INFO", worker, "ACCESS_LOG", f'/169.254.8.129:{rng.randint(30000, 60000)} "POST /predictions/{MODEL} HTTP/1.1" 200 {int(dur * 1000)}')
        g.request(t, inst, 200, rng.randint(180, 240), dur + rng.uniform(0.01, 0.05), fn_ua, fn_ip, f"/predictions/{MODEL}")
        t += timedelta(seconds=rng.expovariate(1 / 9.5))

    # idle periodic JVM / netty noise on instances while they live
    for inst, r in zip(insts, ready):
        tt = r + timedelta(minutes=rng.uniform(5, 12))
        end = min(WIN_END, max(busy[inst] or [r]) + timedelta(minutes=15))
        while tt < end:
            noise(tt, inst)
            tt += timedelta(minutes=rng.uniform(4, 11))

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    return g, noise_ids


def container():
    return {
        "image": IMAGE, "name": f"{SERVICE}-1",
        "ports": [{"name": "http1", "containerPort": 8080}],
        "resources": {"limits": {"cpu": "4", "memory": "8Gi"}, "cpuIdle": True},
        "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
    }


def service_json():
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    return {
        "name": base, "uid": "b6a1d0e4-3c2f-4e7a-9b58-1f0d2c3e4a56", "generation": "4",
        "createTime": "2022-05-20T17:44:02.331870Z", "updateTime": "2022-06-01T21:09:40.118350Z",
        "creator": "mapper@example.org", "lastModifier": "mapper@example.org",
        "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
        "template": {
            "scaling": {"maxInstanceCount": 1000},
            "timeout": "300s", "serviceAccount": "402911873355-compute@developer.gserviceaccount.com",
            "maxInstanceRequestConcurrency": 10,
            "containers": [container()],
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "4",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2022-06-01T21:10:31.520117Z"},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2022-06-01T21:10:31.520117Z"},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2022-06-01T21:10:27.004411Z"},
        ],
        "latestReadyRevision": f"{base}/revisions/{REV}", "latestCreatedRevision": f"{base}/revisions/{REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": HOST,
    }


def revision_json():
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    return {
        "name": f"{base}/revisions/{REV}", "uid": "e3c5a7b9-2d4f-4a6c-8e0b-9d1f3a5c7e20", "generation": "1",
        "labels": {"serving.knative.dev/configurationGeneration": "4", "serving.knative.dev/route": SERVICE},
        "createTime": "2022-06-01T21:09:40.118350Z", "updateTime": "2022-06-01T21:10:27.004411Z",
        "launchStage": "GA", "service": SERVICE,
        "scaling": {"maxInstanceCount": 1000},
        "timeout": "300s", "serviceAccount": "402911873355-compute@developer.gserviceaccount.com",
        "maxInstanceRequestConcurrency": 10,
        "containers": [container()],
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN1",
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2022-06-01T21:10:27.004411Z"},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2022-06-01T21:10:27.004411Z"},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2022-06-01T21:10:03.771209Z"},
        ],
        "observedGeneration": "1",
    }


def write(out_parent: Path) -> int:
    out = Path(out_parent) / CASE_ID
    g, noise_ids = build()
    for d in ("logging", "run/services", "run/revisions"):
        (out / d).mkdir(parents=True, exist_ok=True)
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(service_json(), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{REV}.json").write_text(json.dumps(revision_json(), sort_keys=True, indent=2) + "\n")
    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "nasaharvest/openmapflow",
        "commit": "ec40df84e9b7a6929a8ff32debe945e6057a884a",
        "license": "unknown",
        "language": "python",
        "fix": "none: issue #11 is an open 'nice to have' (move to gen2 to declutter logs); commit pinned at the issue's date",
    }, sort_keys=False))
    case = {
        "id": CASE_ID,
        "title": "Inference service logs full of 'Container Sandbox: Unsupported syscall setsockopt' during a map run",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2022-06-02T13:30:00Z", "end": "2022-06-02T15:30:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/nasaharvest/openmapflow/issues/11",
                        "https://github.com/google/gvisor/issues/8011"],
            "verbatim": [QUOTED_11] + QUOTED_8011,
            "reconstructed": (
                "openmapflow#11 quotes one gVisor line (setsockopt(0x83,0x1,0xd,...)) that clutters the inference "
                "service's Cloud Run logs and proposes gen2 only to declutter them; gvisor#8011 quotes three more "
                "setsockopt variants spamming a first-generation Cloud Run JVM service. The rest is generated by "
                "evals/realgen/openmapflow-gvisor-syscall-noise.py with random.Random(118011): the invented project "
                "mapflow-demo-2291, the crop-mask-example service deployed as the repo's deploy.sh deploys it (4 CPU, "
                "8Gi, concurrency 10, max 1000 instances, port 8080, first-generation environment), a TorchServe 0.5.3 "
                "image serving the Togo_crop-mask_2019_February model, a map run of 180 tiles posted by the bucket-"
                "triggered Cloud Function to /predictions/<model>, four instances starting as the run scales out, "
                "TorchServe start-up and MODEL_LOG lines with the handler's own prints (from docker/torchserve_handler.py "
                "at the pinned commit), all predictions succeeding, two 'does not exist, sleeping for 5 seconds and "
                "retrying' races that resolve, the log4j getCallerClass warning at JVM start, and a few hundred "
                "setsockopt sandbox lines on varlog/system (the quoted ones, the rest with varying fds and addresses "
                "in the same three flavours). Judgment calls: the sandbox lines' severity WARNING, all times, names "
                "and volumes."
            ),
            "project": "nasaharvest/openmapflow",
            "language": "python",
            "covers": ["healthy-or-red-herring"],
        },
        "expect": {
            "root_causes": ["healthy"],
            "not_above": ["execution-environment-mismatch", "container-crash"],
            "must_cite": [
                [f"run.googleapis.com/varlog/system#{i}" for i in noise_ids],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, width=100, allow_unicode=True))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} entries")

#!/usr/bin/env python3
"""Generator for the real-incident case `clamav-uncaught-signal-healthy`.

Rebuilt from GoogleCloudPlatform/docker-clamav-malware-scanner issue #88
("Getting Uncaught signal: 2, pid=13, tid=13, fault_addr=0."), where the maintainer
settled that the message is harmless: it occurs on container startup, is triggered by
`apt-get -qqy update` in bootstrap.sh, and the command completes successfully.
The window therefore holds instance start-ups with that line and an otherwise normal service.
Deterministic: fixed seed, fixed timestamps, sorted JSON keys.
"""
import json
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False

CASE_ID = "clamav-uncaught-signal-healthy"
SEED = 882024
PROJECT = "docscan-prod-7720"
REGION = "us-central1"
SERVICE = "malware-scanner"
REV = "malware-scanner-00009-lux"
IMAGE = f"us-central1-docker.pkg.dev/{PROJECT}/malware-scanner/malware-scanner:3.0.1"
HOST = "https://malware-scanner-5fgh2w3xqa-uc.a.run.app"
SA = f"malware-scanner@{PROJECT}.iam.gserviceaccount.com"
UNSCANNED = f"unscanned-{PROJECT}"
CLEAN = f"clean-{PROJECT}"
QUAR = f"quarantined-{PROJECT}"
MIRROR = f"cvd-mirror-{PROJECT}"
CLAM_VERSION = "ClamAV 1.0.5/27397/Thu Sep 12 08:35:31 2024"
SIGNAL_LINE = "Uncaught signal: 2, pid=13, tid=13, fault_addr=0."

WIN_START = datetime(2024, 9, 13, 8, 0, 0, tzinfo=timezone.utc)
WIN_END = datetime(2024, 9, 13, 10, 0, 0, tzinfo=timezone.utc)
# instance starts inside the window (autoscaling on upload bursts)
STARTS = [datetime(2024, 9, 13, 8, 46, 51, 204000, tzinfo=timezone.utc),
          datetime(2024, 9, 13, 9, 21, 7, 880000, tzinfo=timezone.utc)]


def ts(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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

    def bootlog(self, t, inst, func, msg, severity="INFO"):
        # bootstrap.sh Log(): one JSON line on stdout with severity, message, sourceLocation
        return self.add({
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Fstdout",
            "resource": self.resource(), "labels": {"instanceId": inst},
            "severity": severity,
            "jsonPayload": {"message": f"bootstrap.sh: {msg}"},
            "sourceLocation": {"file": "bootstrap.sh", "function": func}}, t)

    def pino(self, t, inst, level, msg, pid, hostname):
        sev = {30: "INFO", 40: "WARNING", 50: "ERROR", 60: "CRITICAL"}[level]
        return self.add({
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Fstdout",
            "resource": self.resource(), "labels": {"instanceId": inst},
            "severity": sev,
            "jsonPayload": {"level": level, "message": msg, "pid": pid, "hostname": hostname,
                            "serviceContext": {"service": "gcs-malware-scanner", "version": "3.0.1"}}}, t)

    def request(self, t, inst, method, status, size, latency, ua, remote, path="/"):
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        return self.add({
            "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Frequests",
            "resource": self.resource(), "labels": {"instanceId": inst},
            "severity": sev,
            "trace": f"projects/{PROJECT}/traces/{self.hexid(32)}",
            "spanId": self.hexid(16),
            "httpRequest": {
                "requestMethod": method, "requestUrl": HOST + path,
                "requestSize": str(self.rng.randint(1400, 2600)), "status": status,
                "responseSize": str(size), "userAgent": ua, "remoteIp": remote,
                "serverIp": "2001:4860:4802:34::35", "latency": f"{latency:.6f}s", "protocol": "HTTP/1.1"},
        }, t)


def startup(g, inst, t0, hostname, signal_ids):
    rng = g.rng
    t = t0
    t += timedelta(seconds=0.41)
    g.bootlog(t, inst, "main", "Installing latest clamAV and CVDUpdate")
    # apt-get -qqy update runs here; gVisor reports the SIGINT seen by one of apt's helper processes
    t += timedelta(seconds=rng.uniform(1.6, 2.6))
    e = g.add({
        "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Fvarlog%2Fsystem",
        "resource": g.resource(), "labels": {"instanceId": inst}, "severity": "ERROR",
        "textPayload": SIGNAL_LINE}, t)
    signal_ids.append(e["insertId"])
    t += timedelta(seconds=rng.uniform(2.5, 4.0))
    g.text(t, inst, "stdout", "debconf: delaying package configuration, since apt-utils is not installed")
    pkgs = ["libclamav11:amd64 (1.0.5+dfsg-1~deb12u1)", "clamav-base (1.0.5+dfsg-1~deb12u1)",
            "clamav-freshclam (1.0.5+dfsg-1~deb12u1)", "clamav (1.0.5+dfsg-1~deb12u1)",
            "clamav-daemon (1.0.5+dfsg-1~deb12u1)"]
    for p in pkgs:
        t += timedelta(seconds=rng.uniform(0.3, 0.9))
        g.text(t, inst, "stdout", f"Selecting previously unselected package {p.split(' ')[0].split(':')[0]}.")
    for p in pkgs:
        t += timedelta(seconds=rng.uniform(0.4, 1.2))
        g.text(t, inst, "stdout", f"Setting up {p} ...")
    t += timedelta(seconds=0.3)
    g.text(t, inst, "stdout", "invoke-rc.d: could not determine current runlevel")
    t += timedelta(seconds=rng.uniform(3, 5))
    g.text(t, inst, "stdout", "  installed package cvdupdate 1.1.1, installed using Python 3.11.2")
    g.text(t + timedelta(milliseconds=2), inst, "stdout", "  These apps are now globally available")
    g.text(t + timedelta(milliseconds=3), inst, "stdout", "    - cvd")
    t += timedelta(seconds=0.6)
    g.text(t, inst, "stdout", "Stopping ClamAV daemon: clamd.")
    g.bootlog(t + timedelta(milliseconds=30), inst, "main", "Using config from environment variable CONFIG_JSON")
    g.bootlog(t + timedelta(milliseconds=34), inst, "main", "Perfoming env var substitution on config file")
    g.bootlog(t + timedelta(milliseconds=40), inst, "main", "Checking ClamCvdMirrorBucket from config file")
    t += timedelta(seconds=rng.uniform(2.0, 3.0))
    g.text(t, inst, "stdout", "> gcs-malware-scanner@3.0.1 start-proxy")
    g.text(t + timedelta(milliseconds=1), inst, "stdout", "> node gcs-proxy-server.js /etc/malware-scanner-config.json")
    g.bootlog(t + timedelta(milliseconds=5), inst, "main", "Waiting for proxy server to start...1")
    g.pino(t + timedelta(seconds=1.3), inst, 30,
           f"GCS authenticating reverse proxy listenting on port 8888 for requests to {MIRROR}", 58, hostname)
    t += timedelta(seconds=5.02)
    g.pino(t, inst, 30, f"Proxying request for /{MIRROR}/cvds/state.json to GCS", 58, hostname)
    g.bootlog(t + timedelta(milliseconds=90), inst, "main", "Updating ClamAV config files")
    g.bootlog(t + timedelta(milliseconds=110), inst, "updateClamConfigFile",
              "Updated /etc/clamav/clamd.conf with parameters: StreamMaxLength|MaxScanSize|MaxFileSize|MaxRecursion|MaxFiles|TCPSocket|TCPAddr")
    g.bootlog(t + timedelta(milliseconds=125), inst, "updateClamConfigFile",
              "Updated /etc/clamav/freshclam.conf with parameters: DatabaseMirror|Checks")
    g.bootlog(t + timedelta(milliseconds=130), inst, "main", "Running freshclam for first run")
    t += timedelta(seconds=0.2)
    g.text(t, inst, "stdout", f"ClamAV update process started at {t.strftime('%a %b %d %H:%M:%S %Y')}")
    for db, ver, sigs, fl, builder in (("daily", 27397, 2066423, 90, "raynman"), ("main", 62, 6647427, 90, "sigmgr"),
                                       ("bytecode", 335, 86, 90, "raynman")):
        t += timedelta(seconds=rng.uniform(0.2, 0.5))
        g.pino(t, inst, 30, f"Proxying request for /{MIRROR}/cvds/{db}.cvd to GCS", 58, hostname)
        t += timedelta(seconds=rng.uniform(1.5, 6.0))
        g.text(t, inst, "stdout", f"Testing database: '/var/lib/clamav/tmp.{g.hexid(10)}/clamav-{g.hexid(32)}.tmp-{db}.cvd' ...")
        t += timedelta(seconds=rng.uniform(2.0, 9.0))
        g.text(t, inst, "stdout", "Database test passed.")
        g.text(t + timedelta(milliseconds=40), inst, "stdout",
               f"{db}.cvd updated (version: {ver}, sigs: {sigs}, f-level: {fl}, builder: {builder})")
    t += timedelta(seconds=0.3)
    g.bootlog(t, inst, "main", "Starting clamav services")
    g.bootlog(t + timedelta(milliseconds=3), inst, "main", "Starting malware-scanner service")
    g.text(t + timedelta(milliseconds=300), inst, "stdout", "> gcs-malware-scanner@3.0.1 start")
    g.text(t + timedelta(milliseconds=301), inst, "stdout", "> node server.js /etc/malware-scanner-config.json")
    t += timedelta(seconds=1.4)
    g.pino(t, inst, 30, "Waiting for Clamd", 97, hostname)
    g.pino(t + timedelta(milliseconds=8), inst, 40,
           "Waiting for clamd to start: Error: connect ECONNREFUSED 127.0.0.1:3310", 97, hostname)
    t += timedelta(seconds=10.01)
    g.pino(t, inst, 40, "Waiting for clamd to start: Error: connect ECONNREFUSED 127.0.0.1:3310", 97, hostname)
    t += timedelta(seconds=10.01)
    g.pino(t, inst, 30, f"Clamd started with version {CLAM_VERSION}", 97, hostname)
    g.pino(t + timedelta(milliseconds=4), inst, 30, "gcs-malware-scanner version 3.0.1 started on port 8080", 97, hostname)
    g.add({
        "logName": f"projects/{PROJECT}/logs/run.googleapis.com%2Fvarlog%2Fsystem",
        "resource": g.resource(), "labels": {"instanceId": inst}, "severity": "INFO",
        "textPayload": f'Default STARTUP TCP probe succeeded after 1 attempt for container "{SERVICE}-1" on port 8080.'},
        t + timedelta(milliseconds=160))
    return t + timedelta(milliseconds=200)


def build():
    g = Gen()
    rng = g.rng
    insts = ["0066" + g.hexid(124) for _ in range(3)]
    hosts = ["localhost", "localhost", "localhost"]
    ready = [WIN_START - timedelta(hours=20)]
    signal_ids = []
    for inst, t0, h in zip(insts[1:], STARTS, hosts[1:]):
        ready.append(startup(g, inst, t0, h, signal_ids))

    eventarc_ua = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"
    doc_kinds = [("invoices/{y}/{n}.pdf", (40_000, 900_000)), ("uploads/{u}/{n}.docx", (15_000, 400_000)),
                 ("scans/{y}/{n}.jpg", (200_000, 4_000_000)), ("exports/{u}/{n}.zip", (500_000, 30_000_000))]

    def live(t):
        return [i for i, r in zip(insts, ready) if r <= t]

    def scan(t, infected=False, path_override=None):
        inst = rng.choice(live(t))
        tmpl, (lo, hi) = rng.choice(doc_kinds)
        name = path_override or tmpl.format(y=2024, u=f"u{rng.randint(1000, 9999)}", n=g.hexid(12))
        size = rng.randint(lo, hi) if not path_override else 68
        dur = int(size / rng.uniform(9000, 20000)) + rng.randint(40, 260)
        lat = dur / 1000 + rng.uniform(0.25, 0.9)
        g.request(t, inst, "POST", 200, 58 if not infected else 160, lat, eventarc_ua, "2600:1900:4000::1")
        g.pino(t + timedelta(seconds=0.12), inst, 30,
               f"Scan request for gs://{UNSCANNED}/{name}, ({size} bytes) scanning with clam {CLAM_VERSION}", 97, "localhost")
        if not infected:
            g.pino(t + timedelta(seconds=0.12 + dur / 1000), inst, 30,
                   f"Scan status for gs://{UNSCANNED}/{name}: CLEAN ({size} bytes in {dur} ms)", 97, "localhost")
        else:
            g.pino(t + timedelta(seconds=0.12 + dur / 1000), inst, 40,
                   f"Scan status for gs://{UNSCANNED}/{name}: INFECTED stream: Win.Test.EICAR_HDB-1 FOUND ({size} bytes in {dur} ms)",
                   97, "localhost")

    # upload pattern: steady trickle, with two bursts that trigger scale-out
    t = WIN_START + timedelta(seconds=rng.uniform(5, 30))
    while t < WIN_END - timedelta(seconds=20):
        scan(t)
        burst = (STARTS[0] - timedelta(minutes=1) <= t <= STARTS[0] + timedelta(minutes=9)) or \
                (STARTS[1] - timedelta(minutes=1) <= t <= STARTS[1] + timedelta(minutes=7))
        t += timedelta(seconds=rng.expovariate(1 / (2.2 if burst else 21.0)))
    scan(datetime(2024, 9, 13, 9, 4, 38, 112000, tzinfo=timezone.utc), infected=True, path_override="uploads/u4471/eicar-test.txt")

    # scheduled CVD mirror update (Cloud Scheduler) at the top of the hour
    for t in (datetime(2024, 9, 13, 8, 0, 0, 402000, tzinfo=timezone.utc), datetime(2024, 9, 13, 9, 0, 0, 377000, tzinfo=timezone.utc)):
        inst = insts[0]
        dur = rng.uniform(6.5, 11.0)
        g.request(t, inst, "POST", 200, 50, dur, "Google-Cloud-Scheduler", "107.178.196.69")
        g.pino(t + timedelta(milliseconds=20), inst, 30, "Starting CVD Mirror update", 97, "localhost")
        out = (f"updateCvdMirror.sh Attempting to create gs://{MIRROR}/cvd-update.lock\n"
               f"updateCvdMirror.sh successfully created gs://{MIRROR}/cvd-update.lock\n"
               f"updateCvdMirror.sh Downloading CVD mirror from gs://{MIRROR}/cvds/\n"
               "updateCvdMirror.sh Checking for CVD Updates\n"
               f"updateCvdMirror.sh Updating CVD mirror at gs://{MIRROR}/cvds/\n"
               "updateCvdMirror.sh completed\n"
               f"updateCvdMirror.sh removing gs://{MIRROR}/cvd-update.lock\n")
        g.pino(t + timedelta(seconds=dur - 0.05), inst, 30, "CVD Mirror update check complete. output:\n" + out, 97, "localhost")
        # freshclam daemon on the same instance picks up nothing new
    # freshclam daemon checks (Checks 48 -> every 30 min) on each live instance
    for k, (inst, r) in enumerate(zip(insts, ready)):
        t = max(WIN_START, r) + timedelta(minutes=rng.uniform(3, 29))
        while t < WIN_END:
            g.text(t, inst, "stdout", f"ClamAV update process started at {t.strftime('%a %b %d %H:%M:%S %Y')}")
            g.text(t + timedelta(seconds=0.4), inst, "stdout", "daily.cvd database is up-to-date (version: 27397, sigs: 2066423, f-level: 90, builder: raynman)")
            t += timedelta(minutes=30)

    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    return g, signal_ids


CONFIG_JSON = json.dumps({
    "buckets": [{"unscanned": UNSCANNED, "clean": CLEAN, "quarantined": QUAR}],
    "ClamCvdMirrorBucket": MIRROR}, indent=2, sort_keys=True)


def container():
    return {
        "image": IMAGE, "name": f"{SERVICE}-1",
        "ports": [{"name": "http1", "containerPort": 8080}],
        "env": [{"name": "CONFIG_JSON", "value": CONFIG_JSON}],
        "resources": {"limits": {"cpu": "1000m", "memory": "4Gi"}, "cpuIdle": False, "startupCpuBoost": True},
        "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
    }


def service_json():
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    return {
        "name": base, "uid": "0d7c2b44-91e3-4a5f-86b0-5c1e2f9a3d77", "generation": "9",
        "createTime": "2024-03-02T11:20:41.774310Z", "updateTime": "2024-09-12T16:03:29.118804Z",
        "creator": "platform-admin@example.com", "lastModifier": "platform-admin@example.com",
        "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY", "launchStage": "GA",
        "template": {
            "scaling": {"minInstanceCount": 1, "maxInstanceCount": 5},
            "timeout": "300s", "serviceAccount": SA, "maxInstanceRequestConcurrency": 20,
            "containers": [container()],
        },
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "9",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2024-09-12T16:05:02.551007Z"},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2024-09-12T16:05:02.551007Z"},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2024-09-12T16:04:58.301220Z"},
        ],
        "latestReadyRevision": f"{base}/revisions/{REV}", "latestCreatedRevision": f"{base}/revisions/{REV}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": HOST,
    }


def revision_json():
    base = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    return {
        "name": f"{base}/revisions/{REV}", "uid": "5e2a9c10-7b4d-4e81-9f36-0a8d1c2b3e45", "generation": "1",
        "labels": {"serving.knative.dev/configurationGeneration": "9", "serving.knative.dev/route": SERVICE},
        "createTime": "2024-09-12T16:03:29.118804Z", "updateTime": "2024-09-12T16:04:58.301220Z",
        "launchStage": "GA", "service": SERVICE,
        "scaling": {"minInstanceCount": 1, "maxInstanceCount": 5},
        "timeout": "300s", "serviceAccount": SA, "maxInstanceRequestConcurrency": 20,
        "containers": [container()],
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN1",
        "conditions": [
            {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2024-09-12T16:04:58.301220Z"},
            {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2024-09-12T16:04:58.301220Z"},
            {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2024-09-12T16:03:51.002114Z"},
        ],
        "observedGeneration": "1",
    }


def write(out_parent: Path) -> int:
    out = Path(out_parent) / CASE_ID
    g, signal_ids = build()
    for d in ("logging", "run/services", "run/revisions"):
        (out / d).mkdir(parents=True, exist_ok=True)
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(service_json(), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{REV}.json").write_text(json.dumps(revision_json(), sort_keys=True, indent=2) + "\n")
    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "GoogleCloudPlatform/docker-clamav-malware-scanner",
        "commit": "779452a2bdbb2d9e679cb4802766da0c1a81d89e",
        "license": "Apache-2.0",
        "language": "javascript",
        "fix": "none: the maintainers settled the message is harmless (issue #88); commit pinned at release 3.0.1, current when the issue was investigated",
    }, sort_keys=False))
    case = {
        "id": CASE_ID,
        "title": "'Uncaught signal: 2, pid=13, tid=13, fault_addr=0.' errors in the malware-scanner system log",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": "2024-09-13T08:00:00Z", "end": "2024-09-13T10:00:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/GoogleCloudPlatform/docker-clamav-malware-scanner/issues/88"],
            "verbatim": [SIGNAL_LINE],
            "reconstructed": (
                "The issue gives the alarming line 'Uncaught signal: 2, pid=13, tid=13, fault_addr=0.' and the "
                "maintainer's finding that it is harmless: it appears on container start-up, is triggered by "
                "'apt-get -qqy update' in bootstrap.sh, and that command completes successfully. Everything else is "
                "generated by evals/realgen/clamav-uncaught-signal-healthy.py with random.Random(882024): the "
                "invented project docscan-prod-7720, one serving revision of the scanner at release 3.0.1 (commit "
                "779452a), a min instance that runs all window long and two autoscaled instances that start during "
                "upload bursts; each start-up runs the bootstrap.sh sequence as the pinned code logs it (its JSON "
                "Log lines, apt/dpkg, pipx, the GCS proxy, freshclam, the server's pino lines), with the signal line "
                "a few seconds after 'Installing latest clamAV and CVDUpdate', and ends with the server listening and "
                "a successful TCP startup probe. Background: Eventarc-delivered scans, all CLEAN except one EICAR "
                "test file reported INFECTED (a WARNING), hourly CVD-mirror updates from Cloud Scheduler, freshclam "
                "up-to-date checks, and the expected 'Waiting for clamd to start' warnings. Judgment calls: the "
                "signal line's severity ERROR, the service settings (4Gi, 1 CPU, min 1/max 5 instances, "
                "concurrency 20, CPU always allocated) and all times and names."
            ),
            "project": "GoogleCloudPlatform/docker-clamav-malware-scanner",
            "language": "javascript",
            "covers": ["healthy-or-red-herring"],
        },
        "expect": {
            "root_causes": ["healthy"],
            "not_above": ["container-crash", "execution-environment-mismatch", "startup-probe-failure"],
            "must_cite": [
                [f"run.googleapis.com/varlog/system#{i}" for i in signal_ids],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, width=100, allow_unicode=True))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} entries")

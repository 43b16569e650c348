"""Generator for the real-incident case `release-trigger-oom`.

Sources: googleapis/repo-automation-bots issues #2418, #3105, #3352 and PR #2419.
The release-trigger bot (a Probot app behind gcf-utils on Cloud Run, default
512Mi) shells out to `python3 -m autorelease trigger-single` for every
`release.published` webhook; a burst of Java releases runs several of those
child processes at once on one instance and Cloud Run kills it at its memory
limit ("Memory limit of 512M exceeded with 526M used ..."), failing the
in-flight Cloud Tasks deliveries with 503.
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
CASE_ID = "release-trigger-oom"
SEED = 2418
PROJECT = "bots-prod-481203"
PROJECT_NUMBER = "771530298144"
REGION = "us-central1"
SERVICE = "release-trigger"
REVISION = "release-trigger-00014-puv"
PREV_REVISION = "release-trigger-00013-mip"
URL = "https://release-trigger-q3xk7bz2ua-uc.a.run.app"
SA = f"autorelease@{PROJECT}.iam.gserviceaccount.com"

WINDOW_START = datetime(2021, 8, 26, 13, 30, 0, tzinfo=timezone.utc)
WINDOW_END = datetime(2021, 8, 26, 15, 30, 0, tzinfo=timezone.utc)
BURST = datetime(2021, 8, 26, 14, 41, 7, tzinfo=timezone.utc)

OOM_TEXT_503 = (
    "The request failed because either the HTTP response was malformed or connection to the instance had an error. "
    "Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#timeout-503\n"
    "While handling this request, the container instance was found to be using too much memory and was terminated. "
    "This is likely to cause a new container instance to be used for the next request to this revision. "
    "If you see this message frequently, you may have a memory leak in your code or may need more memory. "
    "Consider creating a new revision with more memory."
)


def iso(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_s(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


REV_RES = {"type": "cloud_run_revision", "labels": {
    "project_id": PROJECT, "location": REGION, "service_name": SERVICE,
    "revision_name": REVISION, "configuration_name": SERVICE}}

REPOS_QUIET = [
    "nodejs-storage", "python-bigquery", "google-cloud-go", "java-spanner-jdbc", "nodejs-pubsub", "python-firestore",
    "google-api-nodejs-client", "release-please", "python-docs-samples", "gapic-generator-java", "java-shared-config",
    "nodejs-logging", "python-api-core", "google-cloud-python", "google-cloud-node", "java-bigtable-hbase",
    "synthtool", "googleapis", "python-aiplatform", "nodejs-dialogflow-cx",
]
JAVA_RELEASES = [
    ("java-storage", 1003), ("java-bigquery", 1571), ("java-pubsub", 738), ("java-spanner", 1342),
    ("java-datastore", 521), ("java-logging", 642), ("java-firestore", 706), ("java-bigtable", 989),
    ("java-monitoring", 603), ("java-kms", 498), ("java-dataproc", 612), ("java-talent", 587),
]


class Gen:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.entries = []
        self.instances = []
        self.group = 0
        self.serial = 0

    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def add(self, t, log, severity, payload_key, payload, labels=None, http=None, trace=None, res=None):
        e = {
            "insertId": self.hexid(16) if log != "run.googleapis.com%2Frequests" else self.hexid(12),
            "logName": f"projects/{PROJECT}/logs/{log}",
            "resource": res or REV_RES,
            "timestamp": iso(t),
            "receiveTimestamp": iso(t + timedelta(seconds=self.rng.uniform(0.005, 0.35))),
            "severity": severity,
        }
        if payload_key:
            e[payload_key] = payload
        if labels:
            e["labels"] = labels
        if http:
            e["httpRequest"] = http
        if trace:
            e["trace"] = f"projects/{PROJECT}/traces/{trace}"
        e["_g"] = self.group
        self.serial += 1
        e["_n"] = self.serial
        self.entries.append(e)
        return e

    def request(self, t_start, latency, status, inst, ua, size, text=None):
        t_end = t_start + timedelta(seconds=latency)
        trace = self.hexid(32)
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        http = {
            "requestMethod": "POST",
            "requestUrl": URL + "/",
            "requestSize": str(size),
            "status": status,
            "responseSize": str(self.rng.randint(120, 190) if status == 200 else self.rng.randint(0, 60)),
            "userAgent": ua,
            "remoteIp": ("140.82.115." + str(self.rng.randint(2, 250))) if ua.startswith("GitHub") else "107.178." + str(self.rng.randint(192, 207)) + "." + str(self.rng.randint(2, 250)),
            "serverIp": "216.239.3" + str(self.rng.choice([2, 4, 6, 8])) + ".53",
            "latency": f"{latency:.6f}s",
            "protocol": "HTTP/1.1",
        }
        e = self.add(t_end, "run.googleapis.com%2Frequests", sev, "textPayload" if text else None, text,
                     labels={"instanceId": inst}, http=http, trace=trace)
        e["spanId"] = str(self.rng.randint(10**18, 9 * 10**18))
        e["timestamp"] = iso(t_start)
        return e

    def app(self, t, level, message, trigger, inst, extra=None):
        sev = {20: "DEBUG", 30: "INFO", 40: "WARNING", 50: "ERROR"}[level]
        payload = {"level": level, "message": message}
        if trigger:
            payload["trigger"] = trigger
        if extra:
            payload.update(extra)
        return self.add(t, "run.googleapis.com%2Fstdout", sev, "jsonPayload", payload, labels={"instanceId": inst})

    def plain(self, t, text, inst, log="run.googleapis.com%2Fstdout"):
        return self.add(t, log, "DEFAULT", "textPayload", text, labels={"instanceId": inst})

    def new_instance(self):
        inst = "00bf4bf02d" + self.hexid(118)
        self.instances.append(inst)
        return inst


def gh_trigger(g, event, action, owner, repo, sender, body_hash=None):
    return {
        "trigger_source_repo": {"repo_name": repo, "owner": owner, "owner_type": "Organization",
                                "url": f"https://github.com/{owner}/{repo}"},
        "trigger_sender": sender,
        "payload_hash": body_hash or g.hexid(32),
        "github_event_type": f"{event}.{action}",
        "trigger_type": "GitHub Webhook",
        "github_delivery_guid": str(uuid.UUID(int=g.rng.getrandbits(128), version=4)),
    }


def task_trigger(guid):
    return {"trigger_type": "Cloud Task", "github_delivery_guid": guid}


def startup(g, t, inst):
    g.group += 1
    g.plain(t, "> release-trigger@1.0.0 start /home/node", inst)
    g.plain(t + timedelta(milliseconds=1), "> node ./build/src/server.js", inst)
    g.app(t + timedelta(seconds=1.8), 30, "custom logging instance not enabled", None, inst)
    g.plain(t + timedelta(seconds=1.9), "Listening on port 8080", inst)


def write(out_parent: Path) -> int:
    g = Gen()
    rng = g.rng
    out = out_parent / CASE_ID
    for sub in ("logging", "run/services", "run/revisions"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    inst_a = g.new_instance()
    inst_b = g.new_instance()
    # instance A has been up since before the window; B starts at 13:52 when a PR burst arrives
    busy = {inst_a: [], inst_b: []}
    alive = {inst_a: (WINDOW_START - timedelta(minutes=47), None), inst_b: (datetime(2021, 8, 26, 13, 52, 3, tzinfo=timezone.utc), None)}
    startup(g, alive[inst_b][0], inst_b)

    def pick_instance(t):
        cands = [i for i, (s, e) in alive.items() if s <= t and (e is None or t < e)]
        if not cands:  # request waits for the instance that is starting
            cands = [min((i for i, (s, e) in alive.items() if e is None), key=lambda i: alive[i][0])]
        return rng.choice(cands)

    def webhook_and_task(t, event, action, owner, repo, sender, outcome, inst_pref=None, slow=None):
        """GitHub webhook -> enqueue Cloud Task -> task delivery -> handler. Returns (task_start, task_instance)."""
        g.group += 1
        inst = inst_pref or pick_instance(t)
        trig = gh_trigger(g, event, action, owner, repo, sender)
        size = rng.randint(9000, 31000)
        lat = rng.uniform(0.09, 0.32)
        g.request(t, lat, 200, inst, "GitHub-Hookshot/" + g.hexid(7), size)
        g.app(t + timedelta(seconds=lat * 0.2), 30, "scheduling cloud task targeting: run", trig, inst)
        g.app(t + timedelta(seconds=lat * 0.25), 30, f"scheduling task in queue {SERVICE}", trig, inst)
        tmp = f"{int((t + timedelta(seconds=lat * 0.3)).timestamp() * 1000)}-{uuid.UUID(int=rng.getrandbits(128), version=4)}.txt"
        g.app(t + timedelta(seconds=lat * 0.3), 30, f"uploading payload to {tmp}", trig, inst)
        t_task = t + timedelta(seconds=lat + rng.uniform(0.3, 2.5))
        return trig, tmp, t_task

    def task_delivery(t_task, trig, tmp, inst, lat, status, handler_logs, text=None, retry=0):
        g.group += 1
        tt = task_trigger(trig["github_delivery_guid"])
        e = g.request(t_task, lat, status, inst, "Google-Cloud-Tasks", rng.randint(80, 120), text=text)
        if status == 200 or text:
            g.app(t_task + timedelta(seconds=0.06), 30, f"downloaded payload from {tmp}", tt, inst)
        for dt, lvl, msg in handler_logs:
            g.app(t_task + timedelta(seconds=dt), lvl, msg, tt, inst)
        return e

    # ---------------------------------------------------------------- background traffic
    events = []
    t = WINDOW_START + timedelta(seconds=rng.uniform(2, 10))
    while t < WINDOW_END - timedelta(seconds=30):
        events.append(t)
        gap = rng.expovariate(1 / 24.0)
        if datetime(2021, 8, 26, 13, 50, tzinfo=timezone.utc) < t < datetime(2021, 8, 26, 14, 5, tzinfo=timezone.utc):
            gap /= 2.2  # a wave of renovate-bot PR updates
        t += timedelta(seconds=gap)
    non_published_labels = ["kokoro:force-run", "automerge", "cla: yes", "type: docs", "kokoro:run", "owlbot:run",
                            "size: s", "size: xs", "api: storage", "priority: p2"]
    def background(times):
        for t in times:
            if BURST - timedelta(seconds=20) < t < BURST + timedelta(minutes=9):
                continue  # keep the burst readable; real background resumes after
            repo = rng.choice(REPOS_QUIET + [r for r, _ in JAVA_RELEASES])
            configured = repo.startswith("java-")
            r = rng.random()
            if r < 0.45:
                action = rng.choice(["opened", "synchronize", "synchronize", "synchronize", "closed", "reopened"])
                sender = rng.choice(["renovate-bot", "release-please[bot]", "gcf-owl-bot[bot]", "dpebot", "yoshi-automation"])
                trig, tmp, tt = webhook_and_task(t, "pull_request", action, "googleapis", repo, sender, None)
                inst = pick_instance(tt)
                logs = []
                if action in ("opened", "synchronize"):
                    lat = rng.uniform(0.25, 0.9)
                else:
                    lat = rng.uniform(0.02, 0.08)
                task_delivery(tt, trig, tmp, inst, lat, 200, logs)
            elif r < 0.9:
                label = rng.choice(non_published_labels)
                action = rng.choice(["labeled", "unlabeled"])
                sender = rng.choice(["yoshi-kokoro", "gcf-merge-on-green[bot]", "release-please[bot]", "chingor13", "Neenu1995"])
                trig, tmp, tt = webhook_and_task(t, "pull_request", action, "googleapis", repo, sender, None)
                inst = pick_instance(tt)
                lat = rng.uniform(0.12, 0.42)
                if configured:
                    msg = f"ignoring non-published label: {label}" if action == "labeled" else f"ignoring non-autorelease label: {label}"
                else:
                    msg = f"release-trigger not configured for googleapis/{repo}"
                task_delivery(tt, trig, tmp, inst, lat, 200, [(lat * 0.9, 30, msg)])
            else:
                # release.published on an unconfigured repo: cheap
                trig, tmp, tt = webhook_and_task(t, "release", "published", "googleapis", rng.choice(REPOS_QUIET[:8]), "release-please[bot]", None)
                inst = pick_instance(tt)
                lat = rng.uniform(0.15, 0.4)
                task_delivery(tt, trig, tmp, inst, lat, 200, [(lat * 0.9, 30, f"release-trigger not configured for googleapis/{trig['trigger_source_repo']['repo_name']}")])


    background([t for t in events if t < BURST])
    # ---------------------------------------------------------------- the burst of Java releases
    # release-please tagged a batch of Java libraries; each release.published task runs
    # findPendingReleasePullRequests + `python3 -m autorelease trigger-single` in a child process.
    base_mem = {inst_a: 214, inst_b: 198}  # MiB used by node before the burst
    oom_events = []
    pending = []
    t = BURST
    for repo, pr in JAVA_RELEASES:
        trig, tmp, tt = webhook_and_task(t, "release", "published", "googleapis", repo, "release-please[bot]", None)
        pending.append((tt, trig, tmp, repo, pr, 0))
        t += timedelta(seconds=rng.uniform(1.5, 6))
    inst_c = None
    python_mb = {}
    killed = set()
    # simulate deliveries in order, tracking concurrent child processes per instance
    running = {}  # inst -> list of (end_time, mb)
    order = sorted(pending, key=lambda p: p[0])
    inflight = {}
    oom_entry = None
    first_503 = None
    while order:
        tt, trig, tmp, repo, pr, attempt = order.pop(0)
        inst = pick_instance(tt)
        if alive[inst][1] is not None:
            # this delivery landed on an instance that is killed while it runs
            t_kill = alive[inst][1]
            g.group += 1
            tt_log = task_trigger(trig["github_delivery_guid"])
            url_pr = f"https://github.com/googleapis/{repo}/pull/{pr}"
            for dt, lvl, msg in [(0.06, 30, f"downloaded payload from {tmp}"), (1.1, 30, f"triggering job for {url_pr}"),
                                 (1.1, 20, f"command: python3 -m autorelease trigger-single --pull={url_pr}")]:
                if tt + timedelta(seconds=dt) < t_kill:
                    g.app(tt + timedelta(seconds=dt), lvl, msg, tt_log, inst)
            g.request(tt, (t_kill - tt).total_seconds() + rng.uniform(0.01, 0.2), 503, inst, "Google-Cloud-Tasks",
                      rng.randint(80, 120), text=OOM_TEXT_503)
            back = 5 * (2 ** attempt) + rng.uniform(0, 3)
            order.append((t_kill + timedelta(seconds=back + rng.uniform(8, 40)), trig, tmp, repo, pr, attempt + 1))
            order.sort(key=lambda p: p[0])
            continue
        run = [(e, mb) for e, mb in running.get(inst, []) if e > tt]
        lat = rng.uniform(16, 34)
        mb = rng.randint(84, 99)
        used = base_mem[inst] + sum(m for _, m in run) + mb + 24
        url_pr = f"https://github.com/googleapis/{repo}/pull/{pr}"
        tt_log = task_trigger(trig["github_delivery_guid"])
        if used > 512 and inst not in killed:
            # the instance dies a few seconds into this delivery
            t_kill = tt + timedelta(seconds=rng.uniform(3.5, 6.0))
            used_at_kill = 526 if oom_entry is None else rng.randint(514, 533)
            e = g.add(t_kill, "run.googleapis.com%2Fvarlog%2Fsystem", "ERROR", "textPayload",
                      f"Memory limit of 512M exceeded with {used_at_kill}M used. Consider increasing the memory limit, see https://cloud.google.com/run/docs/configuring/memory-limits",
                      labels={"instanceId": inst})
            if oom_entry is None:
                oom_entry = e
            oom_events.append(t_kill)
            killed.add(inst)
            # the in-flight deliveries on that instance (including this one) fail with 503
            g.app(tt + timedelta(seconds=0.06), 30, f"downloaded payload from {tmp}", tt_log, inst)
            g.app(tt + timedelta(seconds=1.1), 30, f"triggering job for {url_pr}", tt_log, inst)
            g.app(tt + timedelta(seconds=1.1), 20, f"command: python3 -m autorelease trigger-single --pull={url_pr}", tt_log, inst)
            victims = [(tt, trig, tmp, repo, pr, attempt)] + [v for v in inflight.get(inst, []) if v[0] + timedelta(seconds=v[6]) > t_kill]
            for v in victims[1:]:
                # drop what that delivery would have logged after the kill (and its request log)
                drop = set(v[7])
                g.entries = [x for x in g.entries if not (x["_n"] in drop and (x["logName"].endswith("%2Frequests") or x["timestamp"] > iso(t_kill)))]
            for v in victims:
                v_start = v[0]
                r503 = g.request(v_start, (t_kill - v_start).total_seconds() + rng.uniform(0.01, 0.2), 503, inst,
                                 "Google-Cloud-Tasks", rng.randint(80, 120), text=OOM_TEXT_503)
                if first_503 is None:
                    first_503 = r503
                # Cloud Tasks retries after its backoff (min 5s, doubling)
                back = 5 * (2 ** v[5]) + rng.uniform(0, 3)
                order.append((t_kill + timedelta(seconds=back + rng.uniform(8, 40)), v[1], v[2], v[3], v[4], v[5] + 1))
            inflight[inst] = []
            running[inst] = []
            s, _ = alive[inst]
            alive[inst] = (s, t_kill)
            # a fresh instance replaces it
            new = g.new_instance()
            t_new = t_kill + timedelta(seconds=rng.uniform(2.0, 4.5))
            alive[new] = (t_new, None)
            base_mem[new] = rng.randint(188, 205)
            startup(g, t_new, new)
            order.sort(key=lambda p: p[0])
            continue
        mark = len(g.entries)
        running.setdefault(inst, []).append((tt + timedelta(seconds=lat), mb))
        logs = [(1.1, 30, f"triggering job for {url_pr}"),
                (1.1, 20, f"command: python3 -m autorelease trigger-single --pull={url_pr}"),
                (lat - 0.6, 30, "adding `autorelease: triggered` label")]
        task_delivery(tt, trig, tmp, inst, lat, 200, logs)
        # the label it adds comes back as a webhook
        tl = tt + timedelta(seconds=lat - 0.3)
        trig2, tmp2, tt2 = webhook_and_task(tl, "pull_request", "labeled", "googleapis", repo, "release-trigger[bot]", None)
        task_delivery(tt2, trig2, tmp2, pick_instance(tt2), rng.uniform(0.12, 0.3), 200,
                      [(0.1, 30, "ignoring non-published label: autorelease: triggered")])
        made = [x["_n"] for x in g.entries[mark:]]
        inflight.setdefault(inst, []).append((tt, trig, tmp, repo, pr, attempt, lat, made))
        order.sort(key=lambda p: p[0])


    background([t for t in events if t >= BURST])
    # occasional unrelated noise: GitHub redelivery with a stale signature
    for k in range(3):
        t = WINDOW_START + timedelta(minutes=17 + 39 * k, seconds=rng.uniform(0, 50))
        inst = pick_instance(t)
        g.request(t, rng.uniform(0.004, 0.02), 400, inst, "GitHub-Hookshot/" + g.hexid(7), rng.randint(9000, 20000))

    assert oom_entry is not None and first_503 is not None

    # short requests that were placed on an instance before its kill was simulated move to a live one
    groups = {}
    for e in g.entries:
        groups.setdefault(e["_g"], []).append(e)
    for gid, es in sorted(groups.items()):
        inst = es[0].get("labels", {}).get("instanceId")
        if inst is None or alive[inst][1] is None or any("varlog" in x["logName"] for x in es):
            continue
        start = min(x["timestamp"] for x in es)
        kill_s = iso(alive[inst][1])
        if start < kill_s < max(x["timestamp"] for x in es) or any(
                "httpRequest" in x and x["timestamp"] < kill_s and
                iso(datetime.strptime(x["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
                    + timedelta(seconds=float(x["httpRequest"]["latency"][:-1]))) > kill_s for x in es):
            # a short request caught in flight by the kill
            t0 = datetime.strptime(start, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
            for x in es:
                if "httpRequest" in x:
                    x["httpRequest"]["status"] = 503
                    x["httpRequest"]["responseSize"] = "0"
                    x["httpRequest"]["latency"] = f"{(alive[inst][1] - t0).total_seconds() + 0.05:.6f}s"
                    x["severity"] = "ERROR"
                    x["textPayload"] = OOM_TEXT_503
                elif x["timestamp"] > kill_s:
                    x["_drop"] = True
            continue
        if start >= kill_s:
            t_start = datetime.strptime(start, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
            new = pick_instance(t_start)
            for x in es:
                x["labels"]["instanceId"] = new
    g.entries = [e for e in g.entries if not e.get("_drop")]
    for e in g.entries:
        del e["_g"]
        del e["_n"]

    entries = sorted(g.entries, key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")

    # ---------------------------------------------------------------- Cloud Run resources
    svc_name = f"projects/{PROJECT}/locations/{REGION}/services/{SERVICE}"
    env = [
        {"name": "DRIFT_PRO_BUCKET", "value": f"{PROJECT}-bot-config"},
        {"name": "KEY_LOCATION", "value": "global"},
        {"name": "KEY_RING", "value": "probot-keys"},
        {"name": "GCF_SHORT_FUNCTION_NAME", "value": "release_trigger"},
        {"name": "PROJECT_ID", "value": PROJECT},
        {"name": "GCF_LOCATION", "value": REGION},
        {"name": "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD", "value": "'1'"},
        {"name": "WEBHOOK_TMP", "value": "tmp-webhook-payloads"},
        {"name": "BOT_RUNTIME", "value": "run"},
    ]
    container = {
        "image": f"gcr.io/{PROJECT}/release-trigger@sha256:" + hashlib.sha256(b"release-trigger-00014").hexdigest(),
        "ports": [{"name": "http1", "containerPort": 8080}],
        "env": env,
        "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}, "cpuIdle": True},
        "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1, "tcpSocket": {"port": 8080}},
    }
    template = {
        "scaling": {"maxInstanceCount": 100},
        "containers": [container],
        "timeout": "3600s",
        "serviceAccount": SA,
        "maxInstanceRequestConcurrency": 80,
    }
    rev_create = datetime(2021, 8, 24, 21, 12, 40, tzinfo=timezone.utc)
    service = {
        "name": svc_name,
        "uid": "3f6f0a7e-1c9b-4d52-a0f4-7b2e8c91d6a3",
        "generation": "14",
        "createTime": "2021-08-05T18:02:11.481230Z",
        "updateTime": iso(rev_create),
        "creator": f"{PROJECT_NUMBER}@cloudbuild.gserviceaccount.com",
        "lastModifier": f"{PROJECT_NUMBER}@cloudbuild.gserviceaccount.com",
        "client": "gcloud",
        "clientVersion": "354.0.0",
        "ingress": "INGRESS_TRAFFIC_ALL",
        "launchStage": "GA",
        "template": template,
        "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "observedGeneration": "14",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(rev_create + timedelta(seconds=19))},
        "conditions": [
            {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(rev_create + timedelta(seconds=19))},
            {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(rev_create + timedelta(seconds=17))},
        ],
        "latestReadyRevision": f"{svc_name}/revisions/{REVISION}",
        "latestCreatedRevision": f"{svc_name}/revisions/{REVISION}",
        "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        "uri": URL,
        "reconciling": False,
        "etag": '"CLjXlIkGEPi7vMcB/cHJvamVjdHMvYm90cy1wcm9kLTQ4MTIwMy9sb2NhdGlvbnMvdXMtY2VudHJhbDEvc2VydmljZXMvcmVsZWFzZS10cmlnZ2Vy"',
    }
    (out / "run" / "services" / f"{SERVICE}.json").write_text(json.dumps(service, sort_keys=True, indent=2) + "\n")

    def revision(name, created, image_seed, gen):
        c = dict(container)
        c["image"] = f"gcr.io/{PROJECT}/release-trigger@sha256:" + hashlib.sha256(image_seed).hexdigest()
        return {
            "name": f"{svc_name}/revisions/{name}",
            "uid": str(uuid.UUID(int=random.Random(name).getrandbits(128), version=4)),
            "generation": "1",
            "labels": {"serving.knative.dev/configurationGeneration": str(gen),
                       "run.googleapis.com/startupProbeType": "Default"},
            "createTime": iso(created),
            "updateTime": iso(created + timedelta(seconds=18)),
            "launchStage": "GA",
            "service": SERVICE,
            "scaling": {"maxInstanceCount": 100},
            "containers": [c],
            "timeout": "3600s",
            "serviceAccount": SA,
            "maxInstanceRequestConcurrency": 80,
            "conditions": [
                {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=17))},
                {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=17))},
                {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(created + timedelta(seconds=9))},
            ],
            "observedGeneration": "1",
            "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&resource=cloud_run_revision/service_name/{SERVICE}/revision_name/{name}",
            "reconciling": False,
            "etag": f'"{name}"',
        }

    (out / "run" / "revisions" / f"{REVISION}.json").write_text(
        json.dumps(revision(REVISION, rev_create, b"release-trigger-00014", 14), sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{PREV_REVISION}.json").write_text(
        json.dumps(revision(PREV_REVISION, datetime(2021, 8, 20, 17, 44, 3, tzinfo=timezone.utc), b"release-trigger-00013", 13), sort_keys=True, indent=2) + "\n")

    # ---------------------------------------------------------------- case.yaml / repo.yaml
    case = {
        "id": CASE_ID,
        "title": "release-trigger bot intermittently returns 503 to Cloud Tasks while a batch of Java releases is published",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "service", "target_name": SERVICE},
        "window": {"start": iso_s(WINDOW_START), "end": iso_s(WINDOW_END)},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": [
                "https://github.com/googleapis/repo-automation-bots/issues/2418",
                "https://github.com/googleapis/repo-automation-bots/issues/3105",
                "https://github.com/googleapis/repo-automation-bots/issues/3352",
                "https://github.com/googleapis/repo-automation-bots/pull/2419",
            ],
            "verbatim": [
                "Memory limit of 512M exceeded with 526M used. Consider increasing the memory limit, see https://cloud.google.com/run/docs/configuring/memory-limits",
                "The request failed because either the HTTP response was malformed or connection to the instance had an error. Additional troubleshooting documentation can be found at: https://cloud.google.com/run/docs/troubleshooting#timeout-503",
                "While handling this request, the container instance was found to be using too much memory and was terminated. This is likely to cause a new container instance to be used for the next request to this revision. If you see this message frequently, you may have a memory leak in your code or may need more memory. Consider creating a new revision with more memory.",
            ],
            "reconstructed": (
                "The case rebuilds the incident of issue #2418 (2021-08-26: release-trigger Cloud Run instances hit the 512M limit; "
                "fixed by PR #2419, which added a MEMORY=1G env to the deploy step in cloudbuild.yaml and a --memory flag in "
                "scripts/publish-cloud-run.sh). The memory-limit line is copied from #2418; the 503 request-log text is copied from "
                "#3352 (the same bot's later recurrence at 1G), and the trigger pattern (several releases at once; memory spent when the "
                "bot shells out to python releasetool, per #3105) comes from #3105/#3352. Everything else is generated by "
                "evals/realgen/release-trigger-oom.py (seed 2418): the invented project id, service URL, revision names, instance ids, "
                "insertIds and times, the GitHub webhook -> Cloud Tasks -> handler traffic with the gcf-utils/pino JSON log lines and "
                "messages taken from the bot's code at the pre-fix commit, a wave of renovate PR events, three 400s for stale webhook "
                "signatures, and a burst of twelve Java release.published events at 14:41Z whose concurrent autorelease child processes "
                "push one instance over 512M; Cloud Tasks retries the failed deliveries. Memory sizes per child process are invented. "
                "Service settings are the gcloud defaults the deploy script left in place (512Mi, 1 vCPU, concurrency 80, timeout 3600s)."
            ),
            "project": "googleapis/repo-automation-bots",
            "language": "typescript",
            "covers": ["memory"],
        },
        "expect": {
            "root_causes": ["memory-limit-exceeded"],
            "not_above": ["container-crash", "downstream-dependency", "concurrency-overload"],
            "must_cite": [
                ["packages/release-trigger/cloudbuild.yaml:36", "scripts/publish-cloud-run.sh:104",
                 f"{svc_name}#template.containers[0].resources.limits.memory"],
                [f"run.googleapis.com/varlog/system#{x['insertId']}" for x in entries if "varlog" in x["logName"]],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=1000))
    repo = {
        "repository": "googleapis/repo-automation-bots",
        "commit": "b6dab8a7e712c162a15e6631882dc15daf345725",
        "license": "Apache-2.0",
        "language": "typescript",
        "fix": "https://github.com/googleapis/repo-automation-bots/pull/2419",
    }
    (out / "repo.yaml").write_text(yaml.safe_dump(repo, sort_keys=False))
    return len(entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} log entries")

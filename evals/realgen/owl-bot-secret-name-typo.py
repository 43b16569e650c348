"""Generator for the real-incident case `owl-bot-secret-name-typo`.

Sources: https://github.com/googleapis/repo-automation-bots/issues/3385 (the owl-bot backend in
Cloud Run dies with `Error: 5 NOT_FOUND: Secret [projects/856896688174/secrets/owl_botq] not found or
has no versions.`; "TYPO in the deploy script") and
https://github.com/googleapis/repo-automation-bots/pull/3386 (publish-cloud-run-backend.sh:
`functionName=${botName//-/_}q` -> `functionName=${botName//-/_}`).
"""
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "owl-bot-secret-name-typo"
SEED = 3385
P = "acme-automation-bots"
PNUM = "856896688174"
R = "us-central1"
BACKEND = "owl-bot-backend"
FRONTEND = "owl-bot"
B_OLD = "owl-bot-backend-00006-vod"
B_REV = "owl-bot-backend-00007-xuz"
F_OLD = "owl-bot-00041-jez"
F_ROUTE = "owl-bot-00042-qaw"
F_REVERT = "owl-bot-00043-mip"
T0 = datetime(2022, 4, 4, 18, 0, 0, tzinfo=timezone.utc)
T_END = datetime(2022, 4, 4, 20, 10, 0, tzinfo=timezone.utc)
B_DEPLOY = datetime(2022, 4, 4, 18, 13, 41, tzinfo=timezone.utc)
F_ROUTE_AT = datetime(2022, 4, 4, 19, 52, 18, tzinfo=timezone.utc)
F_REVERT_AT = datetime(2022, 4, 4, 20, 1, 37, tzinfo=timezone.utc)
SECRET_ERR = f"Error: 5 NOT_FOUND: Secret [projects/{PNUM}/secrets/owl_botq] not found or has no versions."
CB_SA = f"{PNUM}@cloudbuild.gserviceaccount.com"


def ts(d):
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ms(d):
    return int(d.timestamp() * 1000)


def grpc_error_text():
    return (SECRET_ERR + "\n"
            "    at Object.callErrorFromStatus (/usr/src/app/node_modules/@grpc/grpc-js/build/src/call.js:31:26)\n"
            "    at Object.onReceiveStatus (/usr/src/app/node_modules/@grpc/grpc-js/build/src/client.js:179:52)\n"
            "    at Object.onReceiveStatus (/usr/src/app/node_modules/@grpc/grpc-js/build/src/client-interceptors.js:336:141)\n"
            "    at Object.onReceiveStatus (/usr/src/app/node_modules/@grpc/grpc-js/build/src/client-interceptors.js:299:181)\n"
            "    at /usr/src/app/node_modules/@grpc/grpc-js/build/src/call-stream.js:160:78\n"
            "    at processTicksAndRejections (internal/process/task_queues.js:77:11) {\n"
            "  code: 5,\n"
            f"  details: 'Secret [projects/{PNUM}/secrets/owl_botq] not found or has no versions.',\n"
            "  metadata: Metadata {\n"
            "    internalRepr: Map(1) { 'grpc-server-stats-bin' => [Array] },\n"
            "    options: {}\n"
            "  },\n"
            "  note: 'Exception occurred in retry method that was not classified as transient'\n"
            "}")


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.entries = []

    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def res(self, svc, rev):
        return {"type": "cloud_run_revision", "labels": {
            "project_id": P, "location": R, "service_name": svc,
            "revision_name": rev, "configuration_name": svc}}

    def add(self, when, log, res, sev, recv=None, **kw):
        e = {"insertId": self.hexid(16), "logName": f"projects/{P}/logs/{log}", "resource": res,
             "timestamp": ts(when),
             "receiveTimestamp": ts((recv or when) + timedelta(milliseconds=self.rng.randint(30, 800))),
             "severity": sev}
        e.update(kw)
        self.entries.append(e)
        return e

    def request(self, start, svc, rev, inst, path, status, lat, ua, rsize, host, trace=None):
        hr = {"requestMethod": "POST", "requestUrl": f"https://{host}{path}",
              "requestSize": str(self.rng.randint(3000, 42000)), "status": status,
              "responseSize": str(rsize), "userAgent": ua,
              "remoteIp": (f"140.82.115.{self.rng.randint(1, 254)}" if ua.startswith("GitHub")
                           else f"107.178.{self.rng.randint(192, 255)}.{self.rng.randint(1, 254)}"),
              "serverIp": "216.239.32.53", "latency": f"{lat:.9f}s", "protocol": "HTTP/1.1"}
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        return self.add(start, "run.googleapis.com%2Frequests", self.res(svc, rev), sev,
                        recv=start + timedelta(seconds=lat), httpRequest=hr, labels={"instanceId": inst},
                        trace=f"projects/{P}/traces/{trace or self.hexid(32)}", spanId=self.hexid(16),
                        traceSampled=False)

    def pino(self, when, svc, rev, inst, host, level, msg, **extra):
        sev = {30: "INFO", 40: "WARNING", 50: "ERROR"}[level]
        payload = {"level": level, "time": ms(when), "pid": 1, "hostname": host, "msg": msg}
        payload.update(extra)
        return self.add(when, "run.googleapis.com%2Fstdout", self.res(svc, rev), sev,
                        jsonPayload=payload, labels={"instanceId": inst})

    def audit(self, when, svc, method, rev_label=""):
        return self.add(when, "cloudaudit.googleapis.com%2Factivity",
                        {"type": "cloud_run_revision", "labels": {
                            "project_id": P, "location": R, "service_name": svc,
                            "revision_name": rev_label, "configuration_name": ""}},
                        "NOTICE",
                        protoPayload={
                            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                            "serviceName": "run.googleapis.com", "methodName": method,
                            "resourceName": f"namespaces/{P}/services/{svc}",
                            "authenticationInfo": {"principalEmail": CB_SA},
                            "requestMetadata": {"callerSuppliedUserAgent":
                                                "google-cloud-sdk gcloud/379.0.0 command/gcloud.run.deploy invocation-id/"
                                                + self.hexid(32) + " environment/GCE"},
                            "request": {"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                                        "name": f"namespaces/{P}/services/{svc}",
                                        "region": R},
                            "status": {}})


def inst_id(g):
    return "00bf4bf02d" + g.hexid(118)


def build(g):
    rng = g.rng
    fhost = f"{FRONTEND}-qjsfbm3eja-uc.a.run.app"
    bhost = f"{BACKEND}-qjsfbm3eja-uc.a.run.app"
    # frontend instances (min instances 3)
    f_insts = [inst_id(g) for _ in range(3)]
    # backend deploy by Cloud Build (publish-cloud-run-backend.sh)
    g.audit(B_DEPLOY, BACKEND, "google.cloud.run.v1.Services.ReplaceService")
    b0 = inst_id(g)
    st = B_DEPLOY + timedelta(seconds=19)
    g.add(st, "run.googleapis.com%2Fvarlog%2Fsystem", g.res(BACKEND, B_REV), "INFO",
          textPayload="Starting new instance. Reason: DEPLOYMENT - Instance started due to traffic shifting between revisions or other deployment operations.",
          labels={"instanceId": b0})

    def backend_boot(at, inst):
        g.add(at + timedelta(milliseconds=901), "run.googleapis.com%2Fstdout", g.res(BACKEND, B_REV), "DEFAULT",
              textPayload="> owl-bot@1.0.0 start-backend /usr/src/app", labels={"instanceId": inst})
        g.add(at + timedelta(milliseconds=902), "run.googleapis.com%2Fstdout", g.res(BACKEND, B_REV), "DEFAULT",
              textPayload="> node ./build/src/server-backend.js", labels={"instanceId": inst})
        g.add(at + timedelta(seconds=3.6), "run.googleapis.com%2Fstdout", g.res(BACKEND, B_REV), "DEFAULT",
              textPayload="Listening on port 8080", labels={"instanceId": inst})
        g.add(at + timedelta(seconds=3.7), "run.googleapis.com%2Fvarlog%2Fsystem", g.res(BACKEND, B_REV), "INFO",
              textPayload=f'Default STARTUP TCP probe succeeded after 1 attempt for container "{BACKEND}-1" on port 8080.',
              labels={"instanceId": inst})
    backend_boot(st, b0)
    # frontend deploys: route tasks to the Cloud Run backend, then the revert
    for at in (F_ROUTE_AT, F_REVERT_AT):
        g.audit(at, FRONTEND, "google.cloud.run.v1.Services.ReplaceService")

    def f_rev(t):
        if t < F_ROUTE_AT + timedelta(seconds=35):
            return F_OLD
        if t < F_REVERT_AT + timedelta(seconds=35):
            return F_ROUTE
        return F_REVERT
    # new frontend revisions start their own min instances
    rev_insts = {F_OLD: f_insts, F_ROUTE: [inst_id(g) for _ in range(3)], F_REVERT: [inst_id(g) for _ in range(3)]}
    for rv, at in ((F_ROUTE, F_ROUTE_AT), (F_REVERT, F_REVERT_AT)):
        for i in rev_insts[rv]:
            g.add(at + timedelta(seconds=rng.uniform(14, 22)), "run.googleapis.com%2Fvarlog%2Fsystem",
                  g.res(FRONTEND, rv), "INFO",
                  textPayload="Starting new instance. Reason: DEPLOYMENT - Instance started due to traffic shifting between revisions or other deployment operations.",
                  labels={"instanceId": i})

    events = ["pull_request", "pull_request", "push", "check_run", "check_suite", "issue_comment",
              "pull_request_review", "status", "installation_repositories"]
    b_insts = []        # [id, started]
    decisive = {}
    t = T0
    while t < T_END:
        t += timedelta(seconds=rng.expovariate(1 / 6.0))
        rv = f_rev(t)
        inst = rng.choice(rev_insts[rv])
        ev = rng.choice(events)
        lat = rng.uniform(0.04, 0.35)
        trace = g.hexid(32)
        g.request(t, FRONTEND, rv, inst, "/", 200, lat, "GitHub-Hookshot/" + rng.choice(["b7c2a5e", "1c5a73b"]),
                  46, fhost, trace=trace)
        g.pino(t + timedelta(seconds=lat * 0.8), FRONTEND, rv, inst, "localhost", 30,
               "scheduling task in queue owl-bot")
        if rng.random() < 0.01:
            g.pino(t + timedelta(seconds=lat * 0.5), FRONTEND, rv, inst, "localhost", 40,
                   f"payload not found gs://tmp-webhook-payloads/{g.hexid(8)}-{g.hexid(4)}")
        if rv != F_ROUTE:
            continue
        # task dispatched by Cloud Tasks to the Cloud Run backend
        tt = t + timedelta(seconds=lat + rng.uniform(0.15, 1.2))
        if not b_insts or (len(b_insts) < 2 and rng.random() < 0.01):
            bi = inst_id(g)
            g.add(tt, "run.googleapis.com%2Fvarlog%2Fsystem", g.res(BACKEND, B_REV), "INFO",
                  textPayload="Starting new instance. Reason: AUTOSCALING - Instance started due to traffic.",
                  labels={"instanceId": bi})
            backend_boot(tt, bi)
            b_insts.append(bi)
            tt += timedelta(seconds=3.8)
        bi = rng.choice(b_insts)
        blat = rng.uniform(0.06, 0.19)
        req = g.request(tt, BACKEND, B_REV, bi, "/", 200, blat, "Google-Cloud-Tasks", 0, bhost)
        err = g.add(tt + timedelta(seconds=blat * 0.9), "run.googleapis.com%2Fstdout", g.res(BACKEND, B_REV),
                    "DEFAULT", textPayload=grpc_error_text(), labels={"instanceId": bi},
                    trace=req["trace"])
        decisive.setdefault("first_err", err)
        decisive.setdefault("first_req", req)
    return decisive


def backend_env(fn):
    return [{"name": "DRIFT_PRO_BUCKET", "value": "acme-automation-bots-drift"},
            {"name": "KEY_LOCATION", "value": "global"},
            {"name": "KEY_RING", "value": "probot-keys"},
            {"name": "GCF_SHORT_FUNCTION_NAME", "value": fn},
            {"name": "PROJECT_ID", "value": P},
            {"name": "GCF_LOCATION", "value": R},
            {"name": "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD", "value": "'1'"},
            {"name": "WEBHOOK_TMP", "value": "tmp-webhook-payloads"},
            {"name": "BOT_RUNTIME", "value": "run"},
            {"name": "APP_ID", "value": "99011"},
            {"name": "CLOUD_BUILD_TRIGGER", "value": "0d8cd4b1-6f0a-4b7e-9f5e-3b7f2e1c9a40"},
            {"name": "CLOUD_BUILD_TRIGGER_REGENERATE_PULL_REQUEST", "value": "5c1f2a77-0e3d-4a9b-8d1c-6e2b7a9f4c13"},
            {"name": "FIRESTORE_PROJECT_ID", "value": "acme-automation-bots-fs"},
            {"name": "UPDATE_LOCK_BUILD_TRIGGER_ID", "value": "b2a7d0e9-41c3-4f8a-9e6d-0c5b3f7a2d18"}]


def tmpl_for(svc, rev, env, mem, conc, timeout, min_inst, image):
    t = {"revision": rev,
         "scaling": {"maxInstanceCount": 100},
         "timeout": f"{timeout}s", "maxInstanceRequestConcurrency": conc,
         "serviceAccount": f"{PNUM}-compute@developer.gserviceaccount.com",
         "containers": [{"name": f"{svc}-1", "image": image,
                         "ports": [{"name": "http1", "containerPort": 8080}], "env": env,
                         "resources": {"limits": {"cpu": "1000m", "memory": mem}, "cpuIdle": True},
                         "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1,
                                          "tcpSocket": {"port": 8080}}}]}
    if min_inst:
        t["scaling"]["minInstanceCount"] = min_inst
    return t


def service(svc, tmpl, gen, updated, created):
    base = f"projects/{P}/locations/{R}/services/{svc}"
    cond = {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": updated}
    return {"name": base, "uid": str(uuid.UUID(int=random.Random(svc).getrandbits(128), version=4)),
            "generation": gen, "createTime": created, "updateTime": updated,
            "creator": CB_SA, "lastModifier": CB_SA, "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
            "template": tmpl,
            "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
            "observedGeneration": gen, "terminalCondition": cond,
            "conditions": [cond, {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED"},
                           {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED"}],
            "latestReadyRevision": f"{base}/revisions/{tmpl['revision']}",
            "latestCreatedRevision": f"{base}/revisions/{tmpl['revision']}",
            "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
            "uri": f"https://{svc}-qjsfbm3eja-uc.a.run.app"}


def revision(svc, tmpl, created, ready):
    rev = tmpl["revision"]
    r = {k: v for k, v in tmpl.items() if k != "revision"}
    r.update({"name": f"projects/{P}/locations/{R}/services/{svc}/revisions/{rev}",
              "uid": str(uuid.UUID(int=random.Random(rev).getrandbits(128), version=4)),
              "generation": "1", "createTime": created, "updateTime": ready, "launchStage": "GA",
              "service": svc, "observedGeneration": "1",
              "conditions": [
                  {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready},
                  {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": ready},
                  {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": created}]})
    return r


def write(out_parent: Path) -> int:
    out = Path(out_parent) / CASE_ID
    g = Gen(SEED)
    d = build(g)
    g.entries.sort(key=lambda e: (e["timestamp"], e["insertId"]))
    for sub in ("logging", "run/services", "run/revisions"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    with open(out / "logging" / "entries.jsonl", "w") as f:
        for e in g.entries:
            f.write(json.dumps(e, sort_keys=True) + "\n")
    bimg = f"gcr.io/{P}/owl-bot-backend@sha256:" + "7e3a91c0" * 8
    bimg_old = f"gcr.io/{P}/owl-bot-backend@sha256:" + "c44d0b2f" * 8
    fimg = f"gcr.io/{P}/owl-bot-frontend@sha256:"
    b_t = tmpl_for(BACKEND, B_REV, backend_env("owl_botq"), "4G", 20, 3600, 0, bimg)
    b_old = tmpl_for(BACKEND, B_OLD, [], "4G", 20, 3600, 0, bimg_old)
    f_env = [{"name": "GCF_SHORT_FUNCTION_NAME", "value": "owl_bot"}, {"name": "PROJECT_ID", "value": P},
             {"name": "GCF_LOCATION", "value": R}, {"name": "WEBHOOK_TMP", "value": "tmp-webhook-payloads"},
             {"name": "BOT_RUNTIME", "value": "run"}]
    f_t = {rv: tmpl_for(FRONTEND, rv, f_env, "512Mi", 40, 3600, 3, fimg + h * 8)
           for rv, h in ((F_OLD, "19ab02cd"), (F_ROUTE, "5be07a13"), (F_REVERT, "a0c3e9f7"))}
    svcs = {BACKEND: service(BACKEND, b_t, "7", ts(B_DEPLOY), "2022-03-25T20:41:06.118274Z"),
            FRONTEND: service(FRONTEND, f_t[F_REVERT], "43", ts(F_REVERT_AT), "2021-06-14T17:20:51.004512Z")}
    for n, s in svcs.items():
        (out / "run" / "services" / f"{n}.json").write_text(json.dumps(s, sort_keys=True, indent=2) + "\n")
    revs = [(BACKEND, b_t, ts(B_DEPLOY + timedelta(seconds=3)), ts(B_DEPLOY + timedelta(seconds=51))),
            (BACKEND, b_old, "2022-03-25T20:58:13.551022Z", "2022-03-25T20:58:40.210119Z"),
            (FRONTEND, f_t[F_OLD], "2022-03-25T21:19:02.871006Z", "2022-03-25T21:19:30.118233Z"),
            (FRONTEND, f_t[F_ROUTE], ts(F_ROUTE_AT + timedelta(seconds=2)), ts(F_ROUTE_AT + timedelta(seconds=33))),
            (FRONTEND, f_t[F_REVERT], ts(F_REVERT_AT + timedelta(seconds=2)), ts(F_REVERT_AT + timedelta(seconds=33)))]
    for svc, t, c, r in revs:
        (out / "run" / "revisions" / f"{t['revision']}.json").write_text(
            json.dumps(revision(svc, t, c, r), sort_keys=True, indent=2) + "\n")
    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "googleapis/repo-automation-bots",
        "commit": "9a78086d8520c081394d9c4a01b62a0747e7644a",
        "license": "Apache-2.0",
        "language": "typescript",
        "fix": "https://github.com/googleapis/repo-automation-bots/pull/3386",
    }, sort_keys=False))
    svc_ref = f"projects/{P}/locations/{R}/services/{BACKEND}"
    case = {
        "id": CASE_ID,
        "title": "owl-bot backend on Cloud Run answers 200 to every task but processes nothing; stdout full of NOT_FOUND secret errors",
        "target": {"project_id": P, "region": R, "target_type": "service", "target_name": BACKEND},
        "window": {"start": "2022-04-04T18:00:00Z", "end": "2022-04-04T20:10:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/googleapis/repo-automation-bots/issues/3385",
                        "https://github.com/googleapis/repo-automation-bots/pull/3386"],
            "verbatim": [SECRET_ERR, "owl_botq"],
            "reconstructed": (
                "The issue gives only its title error and 'TYPO in the deploy script'; PR #3386 removes a stray 'q' "
                "from functionName=${botName//-/_}q in packages/owl-bot/publish-cloud-run-backend.sh, so the backend "
                "was deployed with GCF_SHORT_FUNCTION_NAME=owl_botq and gcf-utils looked up the Secret Manager secret "
                "projects/<project>/secrets/owl_botq. From the repository at the pre-fix commit 9a78086 (not from the "
                "issue): service names owl-bot-backend and owl-bot, the backend's env var names, memory 4G, "
                "concurrency 20, timeout 3600, min instances 0 / 3, node:14 image with 'npm run start-backend', the "
                "secret being loaded lazily on the first request, and gcf-utils' server wrapper, which console.logs "
                "the rejection and ends the response (so Cloud Tasks sees 200). The dates follow the repository's "
                "commit history on 2022-04-04 (env vars added, routing to the Cloud Run backend, its revert); exact "
                "times, the invented project id acme-automation-bots (the project number 856896688174 is kept as the "
                "error quotes it), env values, revision names, instance ids, the gRPC stack frames, webhook traffic "
                "on the frontend and its pino lines are generated with seed 3385."),
            "project": "googleapis/repo-automation-bots",
            "language": "typescript",
            "covers": ["failed-rollout-config"],
        },
        "expect": {
            "root_causes": ["missing-config-or-secret"],
            "not_above": ["healthy", "container-crash", "permission-denied", "bad-deploy-regression"],
            "must_cite": [
                "packages/owl-bot/publish-cloud-run-backend.sh:57",
                [f"run.googleapis.com/stdout#{d['first_err']['insertId']}",
                 f"{svc_ref}#template.containers[0].env"],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=110))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)

"""Generator for the real-incident case `yapp-worker-jvm-cold-start`.

Source: https://github.com/YAPP-Github/28th-Web-Team-3-BE/issues/133 (the AI mission Worker has no
minimum instances; after idle, Worker requests take ~23-27s, warm ones ~2s, and ~20s pass before the
first application event; the Dispatcher, called every minute at ~20-60ms, is not the bottleneck;
decision: service-level min instances 1 and startup CPU boost for the Worker).
"""
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "yapp-worker-jvm-cold-start"
SEED = 133
P = "moa-prod-20817"
R = "asia-northeast3"
WORKER = "mission-generation-worker"
DISPATCHER = "mission-generation-dispatcher"
W_REV = "mission-generation-worker-00031-rak"
D_REV = "mission-generation-dispatcher-00029-vel"
T0 = datetime(2026, 8, 20, 23, 0, 0, tzinfo=timezone.utc)
T_END = datetime(2026, 8, 21, 3, 0, 0, tzinfo=timezone.utc)
IDLE_SHUTDOWN = timedelta(minutes=15)
IMAGE = f"{R}-docker.pkg.dev/{P}/moa/moa-api:8b618815e2c1d7a04f6e3b9d2c7a51e0f4d6b3a9"


def ts(d):
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def spring_ts(d):
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def abbreviate(name, target=39):
    """logback %logger{39} then %-40.40 (pad right, truncate from the left)."""
    parts = name.split(".")
    if len(name) > target:
        for i in range(len(parts) - 1):
            parts[i] = parts[i][0]
            if len(".".join(parts)) <= target:
                break
    s = ".".join(parts)
    if len(s) > 40:
        s = s[-40:]
    return s.ljust(40)


def spring_line(d, level, thread, logger, msg):
    return (f"{spring_ts(d)} {level:>5} [guest_user_id:anonymous] 1 --- [{thread[-15:]:>15}] "
            f"{abbreviate(logger)} : {msg}")


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

    def add(self, when, log, svc, rev, sev, recv=None, **kw):
        e = {"insertId": self.hexid(16), "logName": f"projects/{P}/logs/{log}",
             "resource": self.res(svc, rev), "timestamp": ts(when),
             "receiveTimestamp": ts((recv or when) + timedelta(milliseconds=self.rng.randint(30, 700))),
             "severity": sev}
        e.update(kw)
        self.entries.append(e)
        return e

    def request(self, start, svc, rev, inst, method, path, status, latency_s, ua, host):
        sev = "INFO" if status < 400 else ("WARNING" if status < 500 else "ERROR")
        hr = {"requestMethod": method, "requestUrl": f"https://{host}{path}",
              "requestSize": str(self.rng.randint(600, 1400)), "status": status,
              "responseSize": str(0 if status == 204 else self.rng.randint(60, 200)),
              "userAgent": ua,
              "remoteIp": f"107.178.{self.rng.randint(192, 255)}.{self.rng.randint(1, 254)}",
              "serverIp": "216.239.36.53", "latency": f"{latency_s:.6f}s", "protocol": "HTTP/1.1"}
        return self.add(start, "run.googleapis.com%2Frequests", svc, rev, sev,
                        recv=start + timedelta(seconds=latency_s),
                        httpRequest=hr, labels={"instanceId": inst},
                        trace=f"projects/{P}/traces/{self.hexid(32)}", spanId=self.hexid(16),
                        traceSampled=False)


def instance_id(g):
    return "0069c7a988" + g.hexid(118)


def build(g):
    rng = g.rng
    whost = f"{WORKER}-3n4kq7vxba-du.a.run.app"
    dhost = f"{DISPATCHER}-3n4kq7vxba-du.a.run.app"
    # ---- Dispatcher: every minute from Cloud Scheduler, 20-60 ms, always warm -------------
    dinst = instance_id(g)
    t = T0 + timedelta(seconds=1)
    while t < T_END:
        g.request(t + timedelta(milliseconds=rng.randint(0, 400)), DISPATCHER, D_REV, dinst, "POST",
                  "/internal/mission-generation/dispatch", 200, rng.uniform(0.020, 0.060),
                  "Google-Cloud-Scheduler", dhost)
        t += timedelta(minutes=1)

    # ---- Worker jobs: sporadic user traffic, Cloud Tasks delivery, concurrency 1 -------------
    arrivals = []
    t = T0 + timedelta(minutes=7)
    while t < T_END - timedelta(minutes=3):
        if rng.random() < 0.35:
            gap = timedelta(minutes=rng.uniform(16, 48))       # idle long enough to scale to zero
        else:
            gap = timedelta(seconds=rng.uniform(40, 420))       # a burst of users
        t += gap
        arrivals.append(t)
        if rng.random() < 0.12:                                 # two users at once -> 2nd instance
            arrivals.append(t + timedelta(seconds=rng.uniform(0.5, 4)))
    arrivals = [a for a in arrivals if a < T_END - timedelta(minutes=2)]

    instances = []   # dict(id, ready_at, busy_until, last_used)
    decisive = {}
    logger_rec = "backend.yapp.core.mission.generation.service.SafeMissionGenerationLatencyRecorder"
    logger_exec = "backend.yapp.core.mission.generation.service.MissionGenerationExecutor"
    exec_thread = 0
    for a in arrivals:
        # retire idle instances
        instances = [i for i in instances if a - i["last_used"] < IDLE_SHUTDOWN or i["busy_until"] > a]
        free = [i for i in instances if i["busy_until"] <= a]
        cold = not free
        recv = a
        if cold:
            inst = {"id": instance_id(g), "last_used": a, "busy_until": a, "exec": 0}
            instances.append(inst)
            st = a + timedelta(milliseconds=rng.randint(150, 500))
            vs = g.add(st, "run.googleapis.com%2Fvarlog%2Fsystem", WORKER, W_REV, "INFO",
                       textPayload="Starting new instance. Reason: AUTOSCALING - Instance started due to traffic.",
                       labels={"instanceId": inst["id"]})
            jvm = st + timedelta(seconds=rng.uniform(1.6, 2.4))
            boot = rng.uniform(18.3, 20.8)

            def out(at, level, thread, logger, msg, stream="stdout"):
                g.add(at, f"run.googleapis.com%2F{stream}", WORKER, W_REV, "DEFAULT",
                      textPayload=spring_line(at, level, thread, logger, msg), labels={"instanceId": inst["id"]})
            out(jvm, "INFO", "main", "backend.yapp.YappApplicationKt",
                "Starting YappApplicationKt v0.0.1-SNAPSHOT using Java 25.0.1 with PID 1 (/app/app.jar started by app in /app)")
            out(jvm + timedelta(milliseconds=41), "INFO", "main", "backend.yapp.YappApplicationKt",
                'The following 1 profile is active: "prod"')
            out(jvm + timedelta(seconds=5.8), "INFO", "main", "org.springframework.boot.tomcat.TomcatWebServer",
                "Tomcat initialized with port 8080 (http)")
            out(jvm + timedelta(seconds=7.9), "INFO", "main", "com.zaxxer.hikari.HikariDataSource",
                "HikariPool-1 - Starting...")
            out(jvm + timedelta(seconds=9.6), "INFO", "main", "com.zaxxer.hikari.pool.HikariPool",
                "HikariPool-1 - Added connection org.postgresql.jdbc.PgConnection@" + g.hexid(8))
            out(jvm + timedelta(seconds=9.6, milliseconds=3), "INFO", "main", "com.zaxxer.hikari.HikariDataSource",
                "HikariPool-1 - Start completed.")
            out(jvm + timedelta(seconds=14.2), "WARN", "main",
                "org.springframework.boot.jpa.autoconfigure.JpaBaseConfiguration$JpaWebConfiguration",
                "spring.jpa.open-in-view is enabled by default. Therefore, database queries may be performed "
                "during view rendering. Explicitly configure spring.jpa.open-in-view to disable this warning")
            out(jvm + timedelta(seconds=boot - 0.3), "INFO", "main", "org.springframework.boot.tomcat.TomcatWebServer",
                "Tomcat started on port 8080 (http) with context path '/'")
            out(jvm + timedelta(seconds=boot), "INFO", "main", "backend.yapp.YappApplicationKt",
                f"Started YappApplicationKt in {boot:.3f} seconds (process running for {boot + 0.9:.3f})")
            probe = jvm + timedelta(seconds=boot - 0.25)
            g.add(probe, "run.googleapis.com%2Fvarlog%2Fsystem", WORKER, W_REV, "INFO",
                  textPayload=f'Default STARTUP TCP probe succeeded after 1 attempt for container "{WORKER}-1" on port 8080.',
                  labels={"instanceId": inst["id"]})
            first_event = jvm + timedelta(seconds=boot + rng.uniform(0.3, 0.9))
        else:
            inst = rng.choice(free)
            first_event = recv + timedelta(milliseconds=rng.randint(6, 30))
        inst["exec"] += 1
        thread = f"http-nio-8080-exec-{inst['exec']}"
        job = uuid.UUID(int=rng.getrandbits(128), version=4)
        published = recv - timedelta(milliseconds=rng.randint(40, 180))

        def app(at, msg, level="INFO", logger=logger_rec):
            return g.add(at, "run.googleapis.com%2Fstdout", WORKER, W_REV, "DEFAULT",
                         textPayload=spring_line(at, level, thread, logger, msg), labels={"instanceId": inst["id"]})

        def lat(at, stage, outcome, src, ms):
            return app(at, f"mission_generation_latency stage={stage} outcome={outcome} generation_source={src} "
                           f"duration_ms={ms} job_id={job}")
        q = lat(first_event, "queue", "succeeded", "none", int((first_event - published).total_seconds() * 1000))
        c = first_event
        r_ms = rng.randint(90, 260); c += timedelta(milliseconds=r_ms)
        lat(c, "retrieval", "succeeded", "none", r_ms)
        v_ms = rng.randint(60, 210); c += timedelta(milliseconds=v_ms)
        lat(c, "verification", "succeeded", "none", v_ms)
        if rng.random() < 0.1:
            app(c + timedelta(milliseconds=4), "mission_generation.knowledge_trace.failed", "WARN", logger_exec)
        cand = rng.randint(3, 12); ver = rng.randint(0, min(cand, 6)); sel = min(ver, 1)
        pol = "EMPTY" if ver == 0 else ("ALL" if ver == 1 else "DETERMINISTIC_RANDOM_1")
        app(c + timedelta(milliseconds=6), f"mission_generation.knowledge.used item={rng.choice(['DELIVERY_FOOD', 'DINING_OUT', 'DRINKING', 'CAFE'])} "
                                           f"candidateCount={cand} verifiedCount={ver} selectedCount={sel} policy={pol}", logger=logger_exec)
        a_ms = rng.randint(1150, 1900); c += timedelta(milliseconds=a_ms + 6)
        lat(c, "ai_generation", "succeeded", "ai", a_ms)
        p_ms = rng.randint(25, 90); c += timedelta(milliseconds=p_ms)
        lat(c, "persistence", "succeeded", "ai", p_ms)
        w_ms = int((c - first_event).total_seconds() * 1000)
        c += timedelta(milliseconds=1)
        w = lat(c, "worker_total", "succeeded", "ai", w_ms)
        e2e = int((c - published).total_seconds() * 1000) + rng.randint(120, 400)
        lat(c + timedelta(milliseconds=1), "end_to_end", "succeeded", "ai", e2e)
        done = c + timedelta(milliseconds=rng.randint(4, 15))
        latency = (done - recv).total_seconds()
        req = g.request(recv, WORKER, W_REV, inst["id"], "POST",
                        f"/internal/mission-generation/jobs/{job}/execute", 204, latency, "Google-Cloud-Tasks", whost)
        if cold and "cold_req" not in decisive:
            decisive.update(cold_req=req, cold_start=vs, cold_queue=q)
        inst["busy_until"] = done
        inst["last_used"] = done
    return decisive


def worker_service():
    tmpl = {"revision": W_REV,
            "scaling": {"maxInstanceCount": 100},
            "timeout": "600s", "maxInstanceRequestConcurrency": 1,
            "serviceAccount": f"mission-worker-runtime@{P}.iam.gserviceaccount.com",
            "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
            "containers": [{"name": f"{WORKER}-1", "image": IMAGE,
                            "ports": [{"name": "http1", "containerPort": 8080}],
                            "env": [{"name": "SPRING_PROFILES_ACTIVE", "value": "prod"},
                                    {"name": "APP_ROLE", "value": "mission-worker"},
                                    {"name": "AI_ACTIVATION", "value": "on"},
                                    {"name": "MISSION_LIFECYCLE_SCHEDULER_ENABLED", "value": "false"},
                                    {"name": "NAVER_BLOG_AI_CONTEXT_COUNT", "value": "15"},
                                    {"name": "JWT_ISSUER", "value": "yapp"},
                                    {"name": "JWT_AUDIENCE", "value": "yapp-client"},
                                    {"name": "JWT_ACCESS_TOKEN_TTL", "value": "PT3H"},
                                    {"name": "JWT_REFRESH_TOKEN_TTL", "value": "P14D"}] + [
                                {"name": n, "valueSource": {"secretKeyRef": {"secret": s, "version": "latest"}}}
                                for n, s in [("SPRING_DATABASE_URL", "SPRING_DATABASE_URL"),
                                             ("SPRING_DATABASE_USERNAME", "SPRING_DATABASE_USER"),
                                             ("SPRING_DATABASE_PASSWORD", "SPRING_DATABASE_PASSWORD"),
                                             ("SERVER_URL", "SERVER_URL"), ("JWT_SECRET", "JWT_SECRET"),
                                             ("GOOGLE_GENAI_API_KEY", "GOOGLE_GENAI_API_KEY"),
                                             ("NAVER_BLOG_CLIENT_ID", "NAVER_BLOG_CLIENT_ID"),
                                             ("NAVER_BLOG_CLIENT_SECRET", "NAVER_BLOG_CLIENT_SECRET")]],
                            "resources": {"limits": {"cpu": "1000m", "memory": "1Gi"}, "cpuIdle": True},
                            "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1,
                                             "tcpSocket": {"port": 8080}}}]}
    return tmpl


def dispatcher_service():
    tmpl = worker_service()
    tmpl = json.loads(json.dumps(tmpl))
    tmpl["revision"] = D_REV
    tmpl["timeout"] = "300s"
    tmpl["serviceAccount"] = f"mission-dispatcher-runtime@{P}.iam.gserviceaccount.com"
    c = tmpl["containers"][0]
    c["name"] = f"{DISPATCHER}-1"
    c["env"] = [{"name": "SPRING_PROFILES_ACTIVE", "value": "prod"},
                {"name": "APP_ROLE", "value": "mission-dispatcher"},
                {"name": "AI_ACTIVATION", "value": "off"},
                {"name": "MISSION_GENERATION_DELIVERY_ENABLED", "value": "true"},
                {"name": "MISSION_GENERATION_DELIVERY_QUEUE", "value": "mission-generation"}]
    return tmpl


def svc_json(name, tmpl, gen, created):
    cond = {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-08-20T13:42:19.551203Z"}
    base = f"projects/{P}/locations/{R}/services/{name}"
    return {"name": base, "uid": str(uuid.UUID(int=random.Random(name).getrandbits(128), version=4)),
            "generation": gen, "createTime": created, "updateTime": "2026-08-20T13:41:57.118204Z",
            "creator": f"github-deployer@{P}.iam.gserviceaccount.com",
            "lastModifier": f"github-deployer@{P}.iam.gserviceaccount.com",
            "ingress": "INGRESS_TRAFFIC_ALL", "invokerIamDisabled": False, "launchStage": "GA",
            "template": tmpl,
            "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
            "observedGeneration": gen, "terminalCondition": cond,
            "conditions": [cond, {"type": "ConfigurationsReady", "state": "CONDITION_SUCCEEDED"},
                           {"type": "RoutesReady", "state": "CONDITION_SUCCEEDED"}],
            "latestReadyRevision": f"{base}/revisions/{tmpl['revision']}",
            "latestCreatedRevision": f"{base}/revisions/{tmpl['revision']}",
            "trafficStatuses": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
            "uri": f"https://{name}-3n4kq7vxba-du.a.run.app"}


def rev_json(svc, tmpl):
    rev = tmpl["revision"]
    r = {k: v for k, v in tmpl.items() if k != "revision"}
    created = "2026-08-20T13:41:58.902117Z"
    r.update({"name": f"projects/{P}/locations/{R}/services/{svc}/revisions/{rev}",
              "uid": str(uuid.UUID(int=random.Random(rev).getrandbits(128), version=4)),
              "generation": "1", "createTime": created, "updateTime": "2026-08-20T13:42:19.402518Z",
              "launchStage": "GA", "service": svc, "observedGeneration": "1",
              "conditions": [
                  {"type": "Ready", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-08-20T13:42:19.402518Z"},
                  {"type": "ContainerHealthy", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-08-20T13:42:19.402518Z"},
                  {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": "2026-08-20T13:42:02.113704Z"},
                  {"type": "Retry", "state": "CONDITION_SUCCEEDED", "reason": "Retry", "severity": "INFO",
                   "lastTransitionTime": "2026-08-20T13:42:19.402518Z"}]})
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
    wt, dt = worker_service(), dispatcher_service()
    for name, tmpl, gen, created in [(WORKER, wt, "31", "2026-08-06T16:02:11.330941Z"),
                                     (DISPATCHER, dt, "29", "2026-08-06T16:04:40.771126Z")]:
        (out / "run" / "services" / f"{name}.json").write_text(
            json.dumps(svc_json(name, tmpl, gen, created), sort_keys=True, indent=2) + "\n")
        (out / "run" / "revisions" / f"{tmpl['revision']}.json").write_text(
            json.dumps(rev_json(name, tmpl), sort_keys=True, indent=2) + "\n")
    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "YAPP-Github/28th-Web-Team-3-BE",
        "commit": "3f9a4277eaa98a1c55ea246f4a7f2da51c6d794f",
        "license": "unknown",
        "language": "kotlin",
        "fix": "https://github.com/YAPP-Github/28th-Web-Team-3-BE/commit/160f36f618258e07241330ea13a30343c61fe361",
    }, sort_keys=False))
    case = {
        "id": CASE_ID,
        "title": "AI mission worker requests take ~25s after idle periods but ~2s when warm",
        "target": {"project_id": P, "region": R, "target_type": "service", "target_name": WORKER},
        "window": {"start": "2026-08-20T23:00:00Z", "end": "2026-08-21T03:00:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/YAPP-Github/28th-Web-Team-3-BE/issues/133"],
            "verbatim": ["mission-generation-worker", "mission-generation-dispatcher", "mission-worker",
                         "mission_generation_latency stage=", "/internal/mission-generation/dispatch"],
            "reconstructed": (
                "Issue #133 (in Korean) gives the numbers only: the production Worker and Dispatcher have no minimum "
                "instances; after idle, Worker requests took about 23-27s, warm requests within a few minutes about "
                "2s, and about 20s passed before the cold request's first application event; the Dispatcher is "
                "called every minute and takes about 20-60ms, so it is not the cold-start bottleneck. The team chose "
                "service-level min instances 1 plus startup CPU boost for the Worker. Service names, the worker/"
                "dispatcher routes, the APP_ROLE value, env vars, memory 1Gi, concurrency 1 and timeout 600s/300s, "
                "the Java 25 Spring Boot (Kotlin) runtime and the latency log format come from the repository at the "
                "pre-fix commit 3f9a427 (.github/workflows/prod-cicd.yml, MissionGenerationLatencyRecorder.kt); the "
                "verbatim list quotes them from there, not from the issue. Invented by a generator with seed 133: "
                "project moa-prod-20817, revision names, instance ids, job ids, the arrival pattern (bursts and 16-48 "
                "minute idle gaps, instances retired after 15 idle minutes), Spring Boot startup lines (~18-21s boot), "
                "stage durations, an occasional knowledge_trace warning and the open-in-view startup warning as "
                "noise. Cold requests show a varlog 'Starting new instance' line, a ~20s queue-stage delay and "
                "~23-27s request latency while worker_total stays ~2s; warm requests take ~2s."),
            "project": "YAPP-Github/28th-Web-Team-3-BE",
            "language": "kotlin",
            "covers": ["timeout-latency"],
        },
        "expect": {
            "root_causes": ["cold-start-latency"],
            "not_above": ["healthy", "downstream-dependency", "request-timeout"],
            "must_cite": [
                [".github/workflows/prod-cicd.yml:168", ".github/workflows/prod-cicd.yml:174",
                 ".github/workflows/prod-cicd.yml:175"],
                [f"run.googleapis.com/requests#{d['cold_req']['insertId']}",
                 f"run.googleapis.com/varlog/system#{d['cold_start']['insertId']}",
                 f"run.googleapis.com/stdout#{d['cold_queue']['insertId']}"],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=110))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)

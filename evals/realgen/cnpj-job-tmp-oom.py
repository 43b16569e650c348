"""Generator for the real-incident case `cnpj-job-tmp-oom`.

Source: https://github.com/Bruno-Furtado/cloud-cnpj/pull/6
A Cloud Run job (cnpj-data-fetcher) stages the Receita Federal ZIP and the
extracted CSV under /tmp (in-memory filesystem) and is killed at its 8Gi limit
while extracting Estabelecimentos0.zip, 1h17 after it started.
"""
import json
import random
import string
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "cnpj-job-tmp-oom"
SEED = 20260722
PROJECT = "cnpj-open-data-4417"
PROJECT_NUMBER = "804417265530"
REGION = "us-central1"
JOB = "cnpj-data-fetcher"
EXECUTION = "cnpj-data-fetcher-w7xqk"
PREV_EXECUTION = "cnpj-data-fetcher-5mz8d"
WORKFLOW = "cloud-cnpj"
PERIOD = "2026-07"
BASE_URL = "https://arquivos.receitafederal.gov.br/public.php/webdav/Dados/Cadastros/CNPJ"
IMAGE = f"{REGION}-docker.pkg.dev/{PROJECT}/{JOB}/{JOB}:latest"
SA = f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com"
WF_SA = f"cnpj-workflow@{PROJECT}.iam.gserviceaccount.com"

T0 = datetime(2026, 7, 22, 14, 5, 50, tzinfo=timezone.utc)      # workflow execution starts
WINDOW_START = datetime(2026, 7, 22, 13, 45, 0, tzinfo=timezone.utc)
WINDOW_END = datetime(2026, 7, 22, 15, 45, 0, tzinfo=timezone.utc)

MIB = 1024 * 1024


def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_s(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Log:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.entries = []

    def hexid(self, n=24):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def apiid(self):
        return "".join(self.rng.choice(string.ascii_lowercase + string.digits) for _ in range(14))

    def add(self, t, log, resource, severity, payload_key, payload, labels=None, insert_id=None, recv_delay=None):
        if recv_delay is None:
            recv_delay = self.rng.uniform(0.01, 0.4)
        e = {
            "insertId": insert_id or self.hexid(),
            "logName": f"projects/{PROJECT}/logs/{log}",
            "resource": resource,
            "timestamp": iso(t),
            "receiveTimestamp": iso(t + timedelta(seconds=recv_delay)),
            "severity": severity,
            payload_key: payload,
        }
        if labels:
            e["labels"] = labels
        self.entries.append(e)
        return e


JOB_RES = {"type": "cloud_run_job", "labels": {"project_id": PROJECT, "location": REGION, "job_name": JOB}}
GLOBAL_RES = {"type": "global", "labels": {"project_id": PROJECT}}
WF_RES = {"type": "workflows.googleapis.com/Workflow",
          "labels": {"project_id": PROJECT, "location": REGION, "workflow_id": WORKFLOW}}
TASK_LABELS = {
    "run.googleapis.com/execution_name": EXECUTION,
    "run.googleapis.com/task_index": "0",
    "run.googleapis.com/task_attempt": "0",
}

FILES = (["Cnaes.zip"] + [f"Empresas{i}.zip" for i in range(10)] + [f"Estabelecimentos{i}.zip" for i in range(10)]
         + ["Motivos.zip", "Municipios.zip", "Naturezas.zip", "Paises.zip", "Qualificacoes.zip", "Simples.zip"]
         + [f"Socios{i}.zip" for i in range(10)])

# inner file names as the Receita publishes them (pattern), and zip / csv sizes in bytes
INNER = {
    "Cnaes.zip": "F.K03200$Z.D60711.CNAECSV",
}
for i in range(10):
    INNER[f"Empresas{i}.zip"] = f"K3241.K03200Y{i}.D60711.EMPRECSV"
    INNER[f"Estabelecimentos{i}.zip"] = f"K3241.K03200Y{i}.D60711.ESTABELE"


def write(out_parent: Path) -> int:
    rng = random.Random(SEED)
    L = Log(rng)
    out = out_parent / CASE_ID
    for sub in ("logging", "run/jobs", "run/executions"):
        (out / sub).mkdir(parents=True, exist_ok=True)

    exec_id_ms = None  # Date.now() at module load in logger.js

    # ---- workflow start and the RunJob call -------------------------------------------------
    wf_exec = "4c1f9e2a-8b7d-4e0a-9f3c-6a2d51e8b7c4"
    wf_labels = {"workflows.googleapis.com/execution_id": wf_exec}
    L.add(T0, "Workflows", WF_RES, "INFO", "textPayload", "🏂 Workflow de ingestão iniciado.", wf_labels)
    t_run = T0 + timedelta(seconds=1.7)
    L.add(t_run, "cloudaudit.googleapis.com%2Factivity", JOB_RES, "NOTICE", "protoPayload", {
        "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
        "authenticationInfo": {"principalEmail": WF_SA},
        "requestMetadata": {"callerIp": "private", "callerSuppliedUserAgent": "GoogleCloudWorkflows; (+https://cloud.google.com/workflows/docs),gzip(gfe)"},
        "serviceName": "run.googleapis.com",
        "methodName": "google.cloud.run.v1.Jobs.RunJob",
        "authorizationInfo": [{"resource": f"namespaces/{PROJECT}/jobs/{JOB}", "permission": "run.jobs.run", "granted": True,
                               "resourceAttributes": {}, "permissionType": "ADMIN_WRITE"}],
        "resourceName": f"namespaces/{PROJECT}/jobs/{JOB}",
        "request": {"@type": "type.googleapis.com/google.cloud.run.v1.RunJobRequest", "name": f"namespaces/{PROJECT}/jobs/{JOB}"},
        "response": {"@type": "type.googleapis.com/google.cloud.run.v1.Execution",
                     "metadata": {"name": EXECUTION, "namespace": PROJECT_NUMBER}},
        "resourceLocation": {"currentLocations": [REGION]},
    }, {"run.googleapis.com/execution_name": EXECUTION}, insert_id=L.apiid(), recv_delay=0.9)

    t = T0 + timedelta(seconds=21.4)   # container up
    exec_id_ms = int(t.timestamp() * 1000) + 412
    # Node prints a deprecation warning from a transitive dependency on startup (irrelevant)
    L.add(t + timedelta(seconds=0.9), "run.googleapis.com%2Fstderr", JOB_RES, "DEFAULT", "textPayload",
          "(node:1) [DEP0040] DeprecationWarning: The `punycode` module is deprecated. Please use a userland alternative instead.",
          TASK_LABELS)
    L.add(t + timedelta(seconds=0.9), "run.googleapis.com%2Fstderr", JOB_RES, "DEFAULT", "textPayload",
          "(Use `node --trace-deprecation ...` to show where the warning was created)", TASK_LABELS)
    t += timedelta(seconds=1.3)

    def app(tt, sev, msg, fn):
        L.add(tt, JOB, GLOBAL_RES, sev, "jsonPayload", {
            "executionId": exec_id_ms,
            "message": msg,
            "function": fn,
            "process": JOB,
            "timestamp": iso(tt - timedelta(milliseconds=rng.randint(2, 30)))[:-4] + "Z",
        }, insert_id=L.apiid(), recv_delay=rng.uniform(0.05, 0.6))

    def alert(tt):
        app(tt, "INFO", "Notificações no Slack estão desabilitadas.", "alert.js:send")

    alert(t)
    t += timedelta(milliseconds=rng.randint(3, 15))
    alert(t)
    app(t + timedelta(milliseconds=2), "INFO", "Obtendo diretório mais recente...", "scraping.js:getLatestDirectory")
    t += timedelta(seconds=rng.uniform(1.5, 3.5))
    app(t, "INFO", f"Diretório mais recente encontrado: {PERIOD}", "scraping.js:getLatestDirectory")
    app(t + timedelta(milliseconds=3), "INFO", f"Obtendo lista de arquivos em {PERIOD}...", "scraping.js:getLatestFiles")
    t += timedelta(seconds=rng.uniform(1.0, 2.5))
    app(t, "INFO", f"Arquivos encontrados: {', '.join(FILES)}", "scraping.js:getLatestFiles")
    alert(t + timedelta(milliseconds=4))
    t += timedelta(seconds=rng.uniform(0.3, 0.8))  # wasFolderProcessed: last_folder.txt holds 2026-06

    sizes_zip = {"Cnaes.zip": 22_070}
    sizes_csv = {"Cnaes.zip": 71_862}
    sizes_zip["Empresas0.zip"] = 412_655_103
    sizes_csv["Empresas0.zip"] = 1_540_118_263
    for i in range(1, 10):
        sizes_zip[f"Empresas{i}.zip"] = rng.randint(71_000_000, 79_000_000)
        sizes_csv[f"Empresas{i}.zip"] = int(sizes_zip[f"Empresas{i}.zip"] * rng.uniform(3.6, 3.9))
    sizes_zip["Estabelecimentos0.zip"] = 2_148_930_716
    dl_speed = 0.965 * MIB      # bytes/s from the Receita WebDAV share
    ex_speed = 7.4 * MIB       # CSV bytes written per second while re-encoding line by line
    up_speed = 48 * MIB

    base_mem = 187 * MIB
    limit = 8192 * MIB
    mem_entry = None
    for fname in FILES:
        csv = fname.replace(".zip", ".csv")
        cat = "".join(ch for ch in csv if ch.isalpha()).split("csv")[0].lower()
        cat = csv.split(".")[0].rstrip("0123456789").lower()
        dest = f"{cat}/{PERIOD}_{csv.lower()}"
        alert(t)  # 📥 Baixando arquivo
        t += timedelta(milliseconds=rng.randint(40, 120))
        app(t, "INFO", f"Baixando o arquivo {fname} de {BASE_URL}/{PERIOD}/{fname}.", "download.js:fileFromUrl")
        total = sizes_zip[fname]
        t += timedelta(seconds=rng.uniform(0.4, 1.2))
        got = 0
        last = 0
        while True:
            step = 10 * MIB
            if got + step > total:
                break
            got += step
            t += timedelta(seconds=step / (dl_speed * rng.uniform(0.8, 1.2)))
            mb = (got // (10 * MIB)) * 10
            if mb > last:
                last = mb
                app(t, "INFO", f"Baixados {mb} MB de {fname} ({got / total * 100:.2f}%)", "download.js:fileFromUrl")
        t += timedelta(seconds=(total - got) / dl_speed)
        app(t, "INFO", f"Arquivo {fname} baixado com sucesso ({total / MIB:.2f} MB)", "download.js:fileFromUrl")
        alert(t + timedelta(milliseconds=3))  # 🪤 Extraindo
        t += timedelta(milliseconds=rng.randint(5, 20))
        app(t, "INFO", f"Extraindo {fname} para /tmp/extracted/...", "extract.js:file")
        t += timedelta(milliseconds=rng.randint(20, 60))
        app(t, "INFO", f"Extraindo {INNER.get(fname, fname)} como {csv}.", "extract.js:file")
        if fname.startswith("Estabelecimentos"):
            # /tmp is memory: the 2.0 GiB zip plus the growing CSV plus the node process
            written = 0
            while True:
                t += timedelta(seconds=15)
                written += 15 * ex_speed * rng.uniform(0.9, 1.1)
                used = base_mem + total + written
                if used > limit:
                    used_mib = int(used / MIB)
                    t_kill = t - timedelta(seconds=rng.uniform(1, 9))
                    mem_entry = L.add(t_kill, "run.googleapis.com%2Fvarlog%2Fsystem", JOB_RES, "ERROR", "textPayload",
                                      f"Memory limit of 8192 MiB exceeded with {used_mib} MiB used. Consider increasing the memory limit, see https://cloud.google.com/run/docs/configuring/memory-limits",
                                      TASK_LABELS)
                    L.add(t_kill + timedelta(seconds=0.31), "run.googleapis.com%2Fvarlog%2Fsystem", JOB_RES, "WARNING",
                          "textPayload", "Container terminated on signal 9.", TASK_LABELS)
                    kill_time = t_kill
                    break
            break
        csv_size = sizes_csv[fname]
        t += timedelta(seconds=csv_size / ex_speed)
        app(t, "INFO", f"Arquivo {INNER.get(fname, fname)} salvo como {csv}.", "extract.js:file")
        t += timedelta(milliseconds=rng.randint(30, 300))
        app(t, "INFO", f"Arquivo ZIP /tmp/{fname} excluído após extração.", "extract.js:file")
        alert(t + timedelta(milliseconds=2))  # ⏳ Fazendo upload
        t += timedelta(milliseconds=rng.randint(60, 200))
        app(t, "INFO", f"Iniciando upload de {csv} para {dest} no GCP via stream.", "storage.js:uploadFile")
        t += timedelta(seconds=csv_size / up_speed)
        app(t, "INFO", f"Arquivo {csv} enviado para {dest} com sucesso.", "storage.js:uploadFile")
        t += timedelta(milliseconds=rng.randint(5, 90))
        app(t, "INFO", f"Arquivo CSV /tmp/extracted/{csv} excluído após upload.", "storage.js:uploadFile")
        alert(t + timedelta(milliseconds=2))  # ✅ armazenado
        t += timedelta(milliseconds=rng.randint(10, 40))

    assert mem_entry is not None
    start_time = T0 + timedelta(seconds=3.2)
    completion = kill_time + timedelta(seconds=4.6)
    # the Workflows connector polls the execution and falls into the except branch
    t_wf = completion + timedelta(seconds=rng.uniform(20, 55))
    L.add(t_wf, "Workflows", WF_RES, "ERROR", "textPayload",
          f"❌ O Cloud Run Job {JOB} finalizou com falha.", wf_labels)

    entries = sorted(L.entries, key=lambda e: (e["timestamp"], e["insertId"]))
    with open(out / "logging" / "entries.jsonl", "w", encoding="utf-8") as f:
        for e in entries:
            f.write(json.dumps(e, sort_keys=True, ensure_ascii=False) + "\n")

    # ---- Cloud Run resources ---------------------------------------------------------------
    env = [
        {"name": "PROCESS", "value": JOB},
        {"name": "GOOGLE_CLOUD_PROJECT", "value": PROJECT},
        {"name": "GOOGLE_CLOUD_BUCKET", "value": "cnpj-open-data-raw"},
        {"name": "RECEITA_FEDERAL_URL", "value": "https://arquivos.receitafederal.gov.br"},
        {"name": "NEXTCLOUD_SHARE_TOKEN", "value": "gn672Ad4CF8N6TK"},
        {"name": "NEXTCLOUD_BASE_PATH", "value": "/Dados/Cadastros/CNPJ"},
        {"name": "SLACK_WEBHOOK_URL", "value": ""},
        {"name": "SLACK_NOTIFICATIONS_ENABLED", "value": "false"},
    ]
    container = {
        "image": IMAGE,
        "env": env,
        "resources": {"limits": {"cpu": "2", "memory": "8Gi"}},
    }
    task_template = {
        "containers": [container],
        "maxRetries": 0,
        "timeout": "43200s",
        "serviceAccount": SA,
        "executionEnvironment": "EXECUTION_ENVIRONMENT_GEN2",
    }
    job_name = f"projects/{PROJECT}/locations/{REGION}/jobs/{JOB}"
    job = {
        "name": job_name,
        "uid": "6e0f2c4a-91d3-4b7e-a5c8-2f1d7e9b3a60",
        "generation": "14",
        "createTime": "2025-02-03T22:41:07.118204Z",
        "updateTime": "2026-06-20T16:02:44.530917Z",
        "creator": "owner@example.com",
        "lastModifier": "owner@example.com",
        "client": "gcloud",
        "clientVersion": "527.0.0",
        "launchStage": "GA",
        "template": {"taskCount": 1, "parallelism": 1, "template": task_template},
        "observedGeneration": "14",
        "terminalCondition": {"type": "Ready", "state": "CONDITION_SUCCEEDED",
                              "lastTransitionTime": "2026-06-20T16:02:51.226133Z"},
        "conditions": [],
        "executionCount": 171,
        "latestCreatedExecution": {"name": EXECUTION, "createTime": iso(T0 + timedelta(seconds=1.9)),
                                   "completionTime": iso(completion), "completionStatus": "EXECUTION_FAILED"},
        "reconciling": False,
        "satisfiesPzs": False,
        "etag": '"CKrS3cQGEJiU4PwB/cHJvamVjdHMvY25wai1vcGVuLWRhdGEtNDQxNy9sb2NhdGlvbnMvdXMtY2VudHJhbDEvam9icy9jbnBqLWRhdGEtZmV0Y2hlcg"',
    }
    (out / "run" / "jobs" / f"{JOB}.json").write_text(json.dumps(job, sort_keys=True, indent=2, ensure_ascii=False) + "\n")

    def execution(name, uid, create, start, done, ok, msg):
        cond_done = {"type": "Completed", "state": "CONDITION_SUCCEEDED" if ok else "CONDITION_FAILED",
                     "lastTransitionTime": iso(done)}
        if not ok:
            cond_done["message"] = msg
        return {
            "name": f"{job_name}/executions/{name}",
            "uid": uid,
            "generation": "1",
            "labels": {"run.googleapis.com/workflowExecutionId": wf_exec} if not ok else {},
            "createTime": iso(create),
            "startTime": iso(start),
            "completionTime": iso(done),
            "updateTime": iso(done),
            "launchStage": "GA",
            "job": JOB,
            "parallelism": 1,
            "taskCount": 1,
            "template": task_template,
            "reconciling": False,
            "conditions": [
                {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(start - timedelta(seconds=1))},
                {"type": "Started", "state": "CONDITION_SUCCEEDED", "lastTransitionTime": iso(start)},
                cond_done,
            ],
            "observedGeneration": "1",
            "runningCount": 0,
            "succeededCount": 1 if ok else 0,
            "failedCount": 0 if ok else 1,
            "cancelledCount": 0,
            "retriedCount": 0,
            "logUri": f"https://console.cloud.google.com/logs/viewer?project={PROJECT}&advancedFilter=resource.type%3D%22cloud_run_job%22%0Aresource.labels.job_name%3D%22{JOB}%22%0Aresource.labels.location%3D%22{REGION}%22%0Alabels.%22run.googleapis.com/execution_name%22%3D%22{name}%22",
            "satisfiesPzs": False,
            "etag": f'"{name}"',
        }

    cur = execution(EXECUTION, "b2c6a3f0-5d18-4e97-8c21-0f4e6d9a7b35", T0 + timedelta(seconds=1.9), start_time, completion, False,
                    f"Task {EXECUTION}-task0 failed with message: The configured memory limit was reached.")
    (out / "run" / "executions" / f"{EXECUTION}.json").write_text(json.dumps(cur, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    p0 = datetime(2026, 6, 20, 16, 10, 4, tzinfo=timezone.utc)
    prev = execution(PREV_EXECUTION, "0d9e4b71-2a6c-4f85-b3e0-7c1a5f2d8e94", p0, p0 + timedelta(seconds=3.4),
                     p0 + timedelta(hours=2, minutes=51, seconds=18), True, "")
    (out / "run" / "executions" / f"{PREV_EXECUTION}.json").write_text(json.dumps(prev, sort_keys=True, indent=2, ensure_ascii=False) + "\n")

    # ---- case.yaml / repo.yaml ---------------------------------------------------------------
    mem_ref = f"run.googleapis.com/varlog/system#{mem_entry['insertId']}"
    case = {
        "id": CASE_ID,
        "title": "Monthly cnpj-data-fetcher job execution failed after 1h17 while processing estabelecimentos; downstream transfers never ran",
        "target": {"project_id": PROJECT, "region": REGION, "target_type": "job", "target_name": JOB},
        "window": {"start": iso_s(WINDOW_START), "end": iso_s(WINDOW_END)},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/Bruno-Furtado/cloud-cnpj/pull/6"],
            "verbatim": [
                "The configured memory limit was reached",
                "Notificações no Slack estão desabilitadas.",
                f"❌ O Cloud Run Job {JOB} finalizou com falha.",
                "🏂 Workflow de ingestão iniciado.",
            ],
            "reconstructed": (
                "PR #6 states that the July execution of the cnpj-data-fetcher Cloud Run job (8Gi, 2 vCPU, no retries, one task) "
                "was killed after 1h17 with 'The configured memory limit was reached' (signal 9) while processing estabelecimentos, "
                "after only cnaes and empresas reached the bucket, and that the workflow's except branch then skipped every later step; "
                "the cause given is that the ZIP and the extracted CSV both sit in /tmp, which is in-memory on Cloud Run. "
                "Everything else is generated by evals/realgen/cnpj-job-tmp-oom.py (seed 20260722): the invented project id, "
                "execution names, insertIds and timestamps (placed on 2026-07-22, the day the monthly workflow was added); the app's "
                "own log lines are rebuilt from the logger/alert/download/extract/storage messages in the repository at the pre-fix "
                "commit and written as the code writes them (Cloud Logging API, log name cnpj-data-fetcher, resource global, "
                "jsonPayload executionId/message/function/process/timestamp); file sizes, download and extraction speeds are invented "
                "so the run dies ~1h17 in during extraction of Estabelecimentos0.zip. The platform lines (the 'Memory limit of ... exceeded' "
                "varlog/system line, the RunJob audit entry and the Workflows sys.log lines) use Cloud Run's and the workflow's wording; "
                "the task failure text is placed in the execution's Completed condition in gcloud's 'Task ... failed with message:' form. "
                "A Node punycode deprecation warning on stderr is an irrelevant distraction. The previous (June) execution succeeded "
                "with the same 8Gi configuration. The job resource is captured before the owner raised it to 16Gi."
            ),
            "project": "Bruno-Furtado/cloud-cnpj",
            "language": "node",
            "covers": ["memory", "job"],
        },
        "expect": {
            "root_causes": ["memory-limit-exceeded"],
            "not_above": ["job-task-failure", "container-crash"],
            "must_cite": [
                ["ingestion/cnpj-data-fetcher/deploy.sh:51", "ingestion/cnpj-data-fetcher/src/controller/fetcher.js:8",
                 f"{job_name}#template.template.containers[0].resources.limits.memory"],
                mem_ref,
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=1000))
    repo = {
        "repository": "Bruno-Furtado/cloud-cnpj",
        "commit": "ec26b5e0e7a40451b1bc717e136f022f761d72d0",
        "license": "MIT",
        "language": "javascript",
        "fix": "https://github.com/Bruno-Furtado/cloud-cnpj/pull/6",
    }
    (out / "repo.yaml").write_text(yaml.safe_dump(repo, sort_keys=False))
    return len(entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(f"{CASE_ID}: {n} log entries")

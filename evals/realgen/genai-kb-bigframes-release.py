"""Generator for the real-incident case `genai-kb-bigframes-release`.

Source: https://github.com/GoogleCloudPlatform/terraform-genai-knowledge-base/pull/91 (deployments of
the Jump Start Solution started failing: the Cloud Functions (2nd gen) webhook's Cloud Run service
never became ready -- "Container Healthcheck failed. Revision 'webhook-7b5fb8-00001-mil' is not ready
and cannot serve traffic." -- because the bigframes 1.0 release broke importing the Vertex AI SDK;
not a change in the repository; fix: pin bigframes<1.0.0 in webhook/requirements.txt).
"""
import json
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

LARGE = False
CASE_ID = "genai-kb-bigframes-release"
SEED = 91
P = "kb-jss-demo-4417"
PNUM = "731046992583"
R = "us-central1"
SVC = "webhook-7b5fb8"
REV = "webhook-7b5fb8-00001-mil"
T0 = datetime(2024, 3, 27, 19, 30, 0, tzinfo=timezone.utc)
T_END = datetime(2024, 3, 27, 20, 30, 0, tzinfo=timezone.utc)
TF_START = datetime(2024, 3, 27, 19, 54, 22, tzinfo=timezone.utc)
FN_CREATE = datetime(2024, 3, 27, 19, 55, 58, tzinfo=timezone.utc)
RUN_CREATE = FN_CREATE + timedelta(seconds=52)
FN_FAIL = FN_CREATE + timedelta(seconds=101)          # "Creation errored after 1m41s"
GCF_SA = f"service-{PNUM}@gcf-admin-robot.iam.gserviceaccount.com"
USER = "jss-deployer@kb-demo.example"
HC_MSG = ("Could not create or update Cloud Run service webhook-7b5fb8, Container Healthcheck failed. "
          "Revision 'webhook-7b5fb8-00001-mil' is not ready and cannot serve traffic. The user-provided container "
          "failed to start and listen on the port defined provided by the PORT=8080 environment variable within "
          "the allocated timeout. This can happen when the container port is misconfigured or if the timeout is "
          "too short. The health check timeout can be extended. Logs for this revision might contain more "
          "information.")
REV_MSG = ("The user-provided container failed to start and listen on the port defined provided by the PORT=8080 "
           "environment variable within the allocated timeout. This can happen when the container port is "
           "misconfigured or if the timeout is too short. The health check timeout can be extended. Logs for this "
           "revision might contain more information.")
SP = "/layers/google.python.pip/pip/lib/python3.12/site-packages"
TRACEBACK = (
    "Traceback (most recent call last):\n"
    "  File \"/layers/google.python.pip/pip/bin/functions-framework\", line 8, in <module>\n"
    "    sys.exit(_cli())\n"
    "             ^^^^^^\n"
    f"  File \"{SP}/click/core.py\", line 1157, in __call__\n"
    "    return self.main(*args, **kwargs)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    f"  File \"{SP}/click/core.py\", line 1078, in main\n"
    "    rv = self.invoke(ctx)\n"
    "         ^^^^^^^^^^^^^^^^\n"
    f"  File \"{SP}/click/core.py\", line 1434, in invoke\n"
    "    return ctx.invoke(self.callback, **ctx.params)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    f"  File \"{SP}/click/core.py\", line 783, in invoke\n"
    "    return __callback(*args, **kwargs)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    f"  File \"{SP}/functions_framework/_cli.py\", line 36, in _cli\n"
    "    app = create_app(target, source, signature_type)\n"
    "          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    f"  File \"{SP}/functions_framework/__init__.py\", line 395, in create_app\n"
    "    raise e from None\n"
    f"  File \"{SP}/functions_framework/__init__.py\", line 376, in create_app\n"
    "    spec.loader.exec_module(source_module)\n"
    "  File \"<frozen importlib._bootstrap_external>\", line 995, in exec_module\n"
    "  File \"<frozen importlib._bootstrap>\", line 488, in _call_with_frames_removed\n"
    "  File \"/workspace/main.py\", line 25, in <module>\n"
    "    import vertexai  # type: ignore\n"
    "    ^^^^^^^^^^^^^^^\n"
    f"  File \"{SP}/vertexai/__init__.py\", line 19, in <module>\n"
    "    from google.cloud.aiplatform import init\n"
    f"  File \"{SP}/google/cloud/aiplatform/__init__.py\", line 103, in <module>\n"
    "    from google.cloud.aiplatform import preview\n"
    f"  File \"{SP}/vertexai/preview/_workflow/executor/training.py\", line 59, in <module>\n"
    "    BigframesData = bf.dataframe.DataFrame\n"
    "                    ^^^^^^^^^^^^\n"
    "AttributeError: module 'bigframes' has no attribute 'dataframe'")


def ts(d):
    return d.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.entries = []

    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def add(self, when, log, res, sev, **kw):
        e = {"insertId": self.hexid(16), "logName": f"projects/{P}/logs/{log}", "resource": res,
             "timestamp": ts(when), "receiveTimestamp": ts(when + timedelta(milliseconds=self.rng.randint(30, 900))),
             "severity": sev}
        e.update(kw)
        self.entries.append(e)
        return e


def run_res():
    return {"type": "cloud_run_revision", "labels": {"project_id": P, "location": R, "service_name": SVC,
                                                      "revision_name": REV, "configuration_name": SVC}}


PIP_PACKAGES = [
    "flask-3.0.2", "functions-framework-3.5.0", "google-cloud-aiplatform-1.44.0", "google-cloud-documentai-2.24.2",
    "google-cloud-firestore-2.15.0", "google-cloud-storage-2.14.0", "retry2-0.9.5", "bigframes-1.0.0",
    "cloudevents-1.10.1", "google-api-core-2.18.0", "google-auth-2.29.0", "google-cloud-bigquery-3.19.0",
    "google-cloud-resource-manager-1.12.3", "grpcio-1.62.1", "grpcio-status-1.62.1", "proto-plus-1.23.0",
    "protobuf-4.25.3", "pandas-2.2.1", "numpy-1.26.4", "pyarrow-15.0.2", "shapely-2.0.3", "packaging-24.0",
    "werkzeug-3.0.1", "jinja2-3.1.3", "click-8.1.7", "gunicorn-21.2.0", "watchdog-4.0.0",
]


def build(g):
    rng = g.rng
    d = {}
    # ---- terraform apply: project services and resources (audit logs) -------------------------
    t = TF_START - timedelta(seconds=25)
    tf_calls = [
        ("serviceusage.googleapis.com", "google.api.serviceusage.v1.ServiceUsage.EnableService",
         "projects/" + PNUM + "/services/{}", ["aiplatform.googleapis.com", "artifactregistry.googleapis.com",
                                               "cloudbuild.googleapis.com", "cloudfunctions.googleapis.com",
                                               "documentai.googleapis.com", "eventarc.googleapis.com",
                                               "firestore.googleapis.com", "run.googleapis.com",
                                               "storage.googleapis.com"]),
        ("storage.googleapis.com", "storage.buckets.create", "projects/_/buckets/{}",
         [f"{P}-main-7b5fb8", f"{P}-docs-7b5fb8"]),
        ("iam.googleapis.com", "google.iam.admin.v1.CreateServiceAccount",
         f"projects/{P}/serviceAccounts/{{}}@{P}.iam.gserviceaccount.com",
         ["webhook-service-account-7b5fb8", "trigger-service-account-7b5fb8"]),
        ("artifactregistry.googleapis.com", "google.devtools.artifactregistry.v1.ArtifactRegistry.CreateRepository",
         f"projects/{P}/locations/{R}/repositories/{{}}", ["webhook-images"]),
        ("documentai.googleapis.com", "google.cloud.documentai.v1.DocumentProcessorService.CreateProcessor",
         f"projects/{P}/locations/us/processors/{{}}", ["ocr-processor-7b5fb8"]),
        ("firestore.googleapis.com", "google.firestore.admin.v1.FirestoreAdmin.CreateDatabase",
         f"projects/{P}/databases/{{}}", ["knowledge-base-7b5fb8"]),
        ("aiplatform.googleapis.com", "google.cloud.aiplatform.v1.IndexService.CreateIndex",
         f"projects/{P}/locations/{R}/indexes/{{}}", ["docs-index-7b5fb8"]),
        ("storage.googleapis.com", "storage.objects.create", "projects/_/buckets/" + P + "-main-7b5fb8/objects/{}",
         ["webhook-staging/function-source.zip"]),
    ]
    for svc_name, method, tmpl, names in tf_calls:
        for n in names:
            t += timedelta(seconds=rng.uniform(0.4, 4.0))
            rtype = {"storage.googleapis.com": ("gcs_bucket", {"bucket_name": n.split("/")[0], "location": R}),
                     "iam.googleapis.com": ("service_account", {"email_id": f"{n}@{P}.iam.gserviceaccount.com",
                                                                "unique_id": str(rng.randint(10 ** 20, 10 ** 21))}),
                     }.get(svc_name, ("audited_resource", {"service": svc_name, "method": method}))
            labels = {"project_id": P}
            labels.update(rtype[1])
            g.add(t, "cloudaudit.googleapis.com%2Factivity", {"type": rtype[0], "labels": labels}, "NOTICE",
                  protoPayload={"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                                "serviceName": svc_name, "methodName": method,
                                "resourceName": tmpl.format(n),
                                "authenticationInfo": {"principalEmail": USER},
                                "requestMetadata": {"callerSuppliedUserAgent":
                                                    "Terraform/1.5.7 (+https://www.terraform.io) Terraform-Plugin-SDK/2.10.1 terraform-provider-google/5.21.0"},
                                "status": {}})
    # ---- function create (Cloud Functions 2nd gen) -------------------------------------------
    fres = {"type": "cloud_function", "labels": {"function_name": SVC, "region": R, "project_id": P}}
    op = f"projects/{P}/locations/{R}/operations/operation-{1711569358000 + rng.randint(0, 999)}-{g.hexid(13)}-{g.hexid(8)}-{g.hexid(8)}"
    base_pp = {"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
               "serviceName": "cloudfunctions.googleapis.com",
               "methodName": "google.cloud.functions.v2.FunctionService.CreateFunction",
               "resourceName": f"projects/{P}/locations/{R}/functions/{SVC}",
               "authenticationInfo": {"principalEmail": USER},
               "requestMetadata": {"callerSuppliedUserAgent":
                                   "Terraform/1.5.7 (+https://www.terraform.io) Terraform-Plugin-SDK/2.10.1 terraform-provider-google/5.21.0"}}
    g.add(FN_CREATE, "cloudaudit.googleapis.com%2Factivity", fres, "NOTICE",
          protoPayload=dict(base_pp, status={}), operation={"id": op, "producer": "cloudfunctions.googleapis.com",
                                                            "first": True})
    # ---- Cloud Build (buildpacks) for the function ---------------------------------------------
    build_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    bres = {"type": "build", "labels": {"build_id": build_id, "build_trigger_id": "", "project_id": P}}
    bt = FN_CREATE + timedelta(seconds=3)
    lines = ["starting build \"" + build_id + "\"", "", "FETCHSOURCE",
             "Fetching storage object: gs://gcf-v2-sources-" + PNUM + "-us-central1/" + SVC + "/function-source.zip#1711569357961512",
             "Copying gs://gcf-v2-sources-" + PNUM + "-us-central1/" + SVC + "/function-source.zip#1711569357961512...",
             "/ [1 files][  9.1 KiB/  9.1 KiB]", "Operation completed over 1 objects/9.1 KiB.", "BUILD",
             "Starting Step #0 - \"fetch\"", "Step #0 - \"fetch\": Already have image (with digest): gcr.io/k8s-skaffold/pack",
             "Starting Step #2 - \"build\"", "Step #2 - \"build\": ===> DETECTING",
             "Step #2 - \"build\": target distro name/version labels not found, reading /etc/os-release file",
             "Step #2 - \"build\": 4 of 5 buildpacks participating",
             "Step #2 - \"build\": google.python.runtime        0.9.1",
             "Step #2 - \"build\": google.python.functions-framework 0.9.6",
             "Step #2 - \"build\": google.python.pip            0.9.2",
             "Step #2 - \"build\": google.utils.label-image    0.0.2",
             "Step #2 - \"build\": ===> RESTORING", "Step #2 - \"build\": ===> BUILDING",
             "Step #2 - \"build\": === Python - Runtime (google.python.runtime@0.9.1) ===",
             "Step #2 - \"build\": Using runtime version from GOOGLE_RUNTIME_VERSION: 3.12.2",
             "Step #2 - \"build\": === Python - pip (google.python.pip@0.9.2) ===",
             "Step #2 - \"build\": Installing application dependencies.",
             "Step #2 - \"build\": --------------------------------------------------------------------------------",
             "Step #2 - \"build\": Running \"python3 -m pip install --requirement requirements.txt --upgrade --upgrade-strategy only-if-needed --no-warn-script-location --no-warn-conflicts --force-reinstall --no-compile --prefix /layers/google.python.pip/pip (PIP_CACHE_DIR=/layers/google.python.pip/pipcache PIP_DISABLE_PIP_VERSION_CHECK=1)\""]
    for pkg in PIP_PACKAGES:
        name, ver = pkg.rsplit("-", 1)
        lines.append(f"Step #2 - \"build\": Collecting {name}" + (f"=={ver} (from -r requirements.txt" + " (line "
                     + str(15 + PIP_PACKAGES.index(pkg)) + "))" if PIP_PACKAGES.index(pkg) < 7 else ""))
        tag = ("cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64" if name in
               ("grpcio", "pandas", "numpy", "pyarrow", "shapely", "protobuf") else "py3-none-any")
        lines.append(f"Step #2 - \"build\":   Downloading {name.replace('-', '_')}-{ver}-{tag}.whl "
                     f"({rng.randint(12, 9800)} kB)")
    lines.append("Step #2 - \"build\": Installing collected packages: " + ", ".join(p.rsplit("-", 1)[0] for p in PIP_PACKAGES))
    lines.append("Step #2 - \"build\": Successfully installed " + " ".join(PIP_PACKAGES))
    lines += ["Step #2 - \"build\": Done \"python3 -m pip install --requirement requirements.txt --upgrade --upgr...\" (51.2s)",
              "Step #2 - \"build\": === Python - Functions Framework (google.python.functions-framework@0.9.6) ===",
              "Step #2 - \"build\": Handling functions with dependency on functions-framework.",
              "Step #2 - \"build\": ===> EXPORTING",
              f"Step #2 - \"build\": Adding layer 'google.python.pip:pip'",
              f"Step #2 - \"build\": *** Images (sha256:{g.hexid(64)}):",
              f"Step #2 - \"build\":       {R}-docker.pkg.dev/{P}/webhook-images/{P}__{R}__{SVC.replace('-', '--')}:version_1",
              "Finished Step #2 - \"build\"", "PUSH", "DONE"]
    step = (RUN_CREATE - timedelta(seconds=4) - bt) / len(lines)
    for i, ln in enumerate(lines):
        e = g.add(bt + step * i, "cloudbuild", bres, "INFO", textPayload=ln)
        if ln.startswith("Step #2 - \"build\": Successfully installed"):
            d["installed"] = e
    # ---- Cloud Run service created by GCF; revision 00001 never becomes ready -------------------
    g.add(RUN_CREATE, "cloudaudit.googleapis.com%2Factivity",
          {"type": "cloud_run_revision", "labels": {"project_id": P, "location": R, "service_name": SVC,
                                                    "revision_name": "", "configuration_name": ""}},
          "NOTICE",
          protoPayload={"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                        "serviceName": "run.googleapis.com",
                        "methodName": "google.cloud.run.v1.Services.CreateService",
                        "resourceName": f"namespaces/{P}/services/{SVC}",
                        "authenticationInfo": {"principalEmail": GCF_SA},
                        "status": {}})
    at = RUN_CREATE + timedelta(seconds=9)
    crash_at = None
    for attempt in range(3):
        inst = "004c1b2ac0" + g.hexid(118)
        g.add(at, "run.googleapis.com%2Fvarlog%2Fsystem", run_res(), "INFO",
              textPayload="Starting new instance. Reason: DEPLOYMENT - Instance started due to traffic shifting between revisions or other deployment operations.",
              labels={"instanceId": inst})
        tb_at = at + timedelta(seconds=rng.uniform(9.5, 12.5))
        e = g.add(tb_at, "run.googleapis.com%2Fstderr", run_res(), "ERROR", textPayload=TRACEBACK,
                  labels={"instanceId": inst})
        d.setdefault("traceback", e)
        ex = g.add(tb_at + timedelta(milliseconds=rng.randint(250, 600)), "run.googleapis.com%2Fvarlog%2Fsystem",
                   run_res(), "WARNING", textPayload="Container called exit(1).", labels={"instanceId": inst})
        d.setdefault("exit", ex)
        g.add(tb_at + timedelta(milliseconds=rng.randint(700, 1200)), "run.googleapis.com%2Fvarlog%2Fsystem",
              run_res(), "ERROR",
              textPayload='Default STARTUP TCP probe failed 1 time consecutively for container "worker" on port 8080. The instance was not started.',
              labels={"instanceId": inst})
        crash_at = tb_at
        at = tb_at + timedelta(seconds=rng.uniform(3, 7))
    # function create LRO ends with an error
    g.add(FN_FAIL, "cloudaudit.googleapis.com%2Factivity", fres, "ERROR",
          protoPayload=dict(base_pp, status={"code": 3, "message": HC_MSG}),
          operation={"id": op, "producer": "cloudfunctions.googleapis.com", "last": True})
    # ---- background: an unrelated Vertex AI index operation keeps logging ----------------------
    ires = {"type": "aiplatform.googleapis.com/Index", "labels": {"resource_container": P, "location": R,
                                                                    "index_id": str(rng.randint(10 ** 18, 10 ** 19))}}
    t = TF_START + timedelta(minutes=3)
    while t < T_END:
        t += timedelta(seconds=rng.uniform(20, 50))
        g.add(t, "aiplatform.googleapis.com%2Findex_operations", ires, "INFO",
              jsonPayload={"message": rng.choice(["Index build in progress.", "Waiting for index shards to be ready.",
                                                  "Index build in progress."])})

    # ---- the deployment's terraform apply, running in Cloud Build --------------------------------
    tf_build = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    tres = {"type": "build", "labels": {"build_id": tf_build, "build_trigger_id": "", "project_id": P}}

    def tf(at, line):
        return g.add(at, "cloudbuild", tres, "INFO", textPayload="Step #0: " + line)
    tt = TF_START - timedelta(seconds=20)
    for ln in ["Initializing the backend...", "Initializing modules...",
               "Initializing provider plugins...", "- Installing hashicorp/google v5.21.0...",
               "- Installed hashicorp/google v5.21.0 (signed by HashiCorp)", "Terraform has been successfully initialized!",
               "Plan: 33 to add, 0 to change, 0 to destroy."]:
        tt += timedelta(seconds=rng.uniform(0.5, 2.5))
        tf(tt, ln)
    apis = ["aiplatform.googleapis.com", "artifactregistry.googleapis.com", "cloudbuild.googleapis.com",
            "compute.googleapis.com", "cloudfunctions.googleapis.com", "cloudresourcemanager.googleapis.com",
            "config.googleapis.com", "documentai.googleapis.com", "eventarc.googleapis.com",
            "firestore.googleapis.com", "iam.googleapis.com", "run.googleapis.com", "serviceusage.googleapis.com",
            "storage.googleapis.com"]
    res_list = [("random_id.unique_id", 0, "e1-4")]
    res_list += [(f'module.project_services.google_project_service.project_services["{a}"]', rng.randint(2, 40),
                  f"{P}/{a}") for a in apis]
    res_list += [("google_service_account.webhook", 13, f"projects/{P}/serviceAccounts/webhook-service-account-7b5fb8@{P}.iam.gserviceaccount.com"),
                 ("google_service_account.trigger", 12, f"projects/{P}/serviceAccounts/trigger-service-account-7b5fb8@{P}.iam.gserviceaccount.com"),
                 ("google_storage_bucket.main", 2, f"{P}-main-7b5fb8"),
                 ("google_storage_bucket.docs", 2, f"{P}-docs-7b5fb8"),
                 ("google_artifact_registry_repository.webhook_images", 11, f"projects/{P}/locations/{R}/repositories/webhook-images"),
                 ("google_storage_bucket_object.webhook_staging", 1, f"{P}-main-7b5fb8-webhook-staging/function-source.zip"),
                 ("google_storage_bucket_object.index_initial", 1, f"{P}-main-7b5fb8-index/initial.json"),
                 ("google_document_ai_processor.ocr", 3, f"projects/{PNUM}/locations/us/processors/5c8e0a1f3b2d4e67"),
                 ("google_firestore_database.main", 8, f"projects/{P}/databases/knowledge-base-7b5fb8")]
    for ra, dur, rid in res_list:
        tt += timedelta(seconds=rng.uniform(0.3, 3.0))
        tf(tt, f"{ra}: Creating...")
        tf(tt + timedelta(seconds=dur, milliseconds=rng.randint(100, 900)),
           f"{ra}: Creation complete after {dur}s [id={rid}]")
    # long-running: the vector search index, the index endpoint, and the function
    idx_start = tt + timedelta(seconds=4)
    tf(idx_start, "google_vertex_ai_index.docs: Creating...")
    ep_start = idx_start + timedelta(seconds=1.2)
    tf(ep_start, "google_vertex_ai_index_endpoint.docs: Creating...")
    tf(FN_CREATE - timedelta(seconds=1), "google_cloudfunctions2_function.webhook: Creating...")

    def elapsed(sec):
        m, s_ = divmod(int(sec), 60)
        return f"{m}m{s_}s" if m else f"{s_}s"
    k = 1
    while True:
        at = idx_start + timedelta(seconds=10 * k)
        if at > T_END:
            break
        tf(at, f"google_vertex_ai_index.docs: Still creating... [{elapsed(10 * k)} elapsed]")
        if 10 * k < 180:
            tf(ep_start + timedelta(seconds=10 * k), f"google_vertex_ai_index_endpoint.docs: Still creating... [{elapsed(10 * k)} elapsed]")
        elif 10 * k == 180:
            tf(ep_start + timedelta(seconds=183), "google_vertex_ai_index_endpoint.docs: Creation complete after 3m3s "
               f"[id=projects/{PNUM}/locations/{R}/indexEndpoints/2294716385040744448]")
        fk = FN_CREATE - timedelta(seconds=1) + timedelta(seconds=10 * k)
        if fk < FN_FAIL:
            tf(fk, f"google_cloudfunctions2_function.webhook: Still creating... [{elapsed(10 * k)} elapsed]")
        k += 1
    d["tf_err"] = tf(FN_FAIL + timedelta(seconds=1), "google_cloudfunctions2_function.webhook: Creation errored after 1m41s")
    for i, ln in enumerate(["\u2577", "\u2502 Error: Error waiting for Creating function: Error code 3, message: " + HC_MSG,
                            "\u2502 ", "\u2502   with google_cloudfunctions2_function.webhook,",
                            "\u2502   on main.tf line 77, in resource \"google_cloudfunctions2_function\" \"webhook\":",
                            "\u2502   77: resource \"google_cloudfunctions2_function\" \"webhook\" {", "\u2502 ", "\u2575"]):
        tf(FN_FAIL + timedelta(seconds=1, milliseconds=2 + i), ln)
    return d


def service_json():
    base = f"projects/{P}/locations/{R}/services/{SVC}"
    tmpl = {"revision": REV,
            "labels": {"goog-managed-by": "cloudfunctions"},
            "scaling": {"maxInstanceCount": 100},
            "timeout": "300s", "maxInstanceRequestConcurrency": 1,
            "serviceAccount": f"webhook-service-account-7b5fb8@{P}.iam.gserviceaccount.com",
            "containers": [{"name": "worker",
                            "image": f"{R}-docker.pkg.dev/{P}/webhook-images/{P}__{R}__webhook--7b5fb8:version_1",
                            "ports": [{"name": "http1", "containerPort": 8080}],
                            "env": [{"name": "PROJECT_ID", "value": P}, {"name": "VERTEXAI_LOCATION", "value": R},
                                    {"name": "OUTPUT_BUCKET", "value": f"{P}-main-7b5fb8"},
                                    {"name": "DOCAI_PROCESSOR",
                                     "value": f"projects/{PNUM}/locations/us/processors/5c8e0a1f3b2d4e67"},
                                    {"name": "DOCAI_LOCATION", "value": "us"},
                                    {"name": "DATABASE", "value": "knowledge-base-7b5fb8"},
                                    {"name": "INDEX_ID", "value": f"projects/{PNUM}/locations/{R}/indexes/4418907723215667200"},
                                    {"name": "LOG_EXECUTION_ID", "value": "true"}],
                            "resources": {"limits": {"cpu": "1", "memory": "4G"}, "cpuIdle": True},
                            "startupProbe": {"timeoutSeconds": 240, "periodSeconds": 240, "failureThreshold": 1,
                                             "tcpSocket": {"port": 8080}}}]}
    cond = {"type": "Ready", "state": "CONDITION_FAILED", "reason": "HealthCheckContainerError",
            "message": f"Revision '{REV}' is not ready and cannot serve traffic. " + REV_MSG,
            "lastTransitionTime": ts(FN_FAIL - timedelta(seconds=1))}
    svc = {"name": base, "uid": str(uuid.UUID(int=random.Random(SVC).getrandbits(128), version=4)),
           "generation": "1", "labels": {"goog-managed-by": "cloudfunctions"},
           "annotations": {"cloudfunctions.googleapis.com/function-id": SVC},
           "createTime": ts(RUN_CREATE), "updateTime": ts(RUN_CREATE),
           "creator": GCF_SA, "lastModifier": GCF_SA, "ingress": "INGRESS_TRAFFIC_ALL", "launchStage": "GA",
           "template": tmpl,
           "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
           "observedGeneration": "1", "terminalCondition": cond,
           "conditions": [cond,
                          {"type": "ConfigurationsReady", "state": "CONDITION_FAILED", "reason": "HealthCheckContainerError",
                           "message": REV_MSG},
                          {"type": "RoutesReady", "state": "CONDITION_FAILED", "reason": "HealthCheckContainerError",
                           "message": f"Revision '{REV}' is not ready and cannot serve traffic."}],
           "latestCreatedRevision": f"{base}/revisions/{REV}",
           "uri": f"https://{SVC}-qvyk4m3oxa-uc.a.run.app"}
    rev = {k: v for k, v in tmpl.items() if k not in ("revision",)}
    rev.update({"name": f"{base}/revisions/{REV}",
                "uid": str(uuid.UUID(int=random.Random(REV).getrandbits(128), version=4)),
                "generation": "1", "createTime": ts(RUN_CREATE + timedelta(seconds=1)),
                "updateTime": ts(FN_FAIL - timedelta(seconds=1)), "launchStage": "GA", "service": SVC,
                "observedGeneration": "1",
                "conditions": [
                    {"type": "Ready", "state": "CONDITION_FAILED", "reason": "HealthCheckContainerError",
                     "message": REV_MSG, "lastTransitionTime": ts(FN_FAIL - timedelta(seconds=1))},
                    {"type": "ContainerHealthy", "state": "CONDITION_FAILED", "reason": "HealthCheckContainerError",
                     "message": REV_MSG, "lastTransitionTime": ts(FN_FAIL - timedelta(seconds=1))},
                    {"type": "ResourcesAvailable", "state": "CONDITION_SUCCEEDED",
                     "lastTransitionTime": ts(RUN_CREATE + timedelta(seconds=8))}],
                "logUri": f"https://console.cloud.google.com/logs/viewer?project={P}&resource=cloud_run_revision/service_name/{SVC}/revision_name/{REV}"})
    return svc, rev


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
    svc, rev = service_json()
    (out / "run" / "services" / f"{SVC}.json").write_text(json.dumps(svc, sort_keys=True, indent=2) + "\n")
    (out / "run" / "revisions" / f"{REV}.json").write_text(json.dumps(rev, sort_keys=True, indent=2) + "\n")
    (out / "repo.yaml").write_text(yaml.safe_dump({
        "repository": "GoogleCloudPlatform/terraform-genai-knowledge-base",
        "commit": "0457df4e39f9f83363cda303327b6f666045debf",
        "license": "Apache-2.0",
        "language": "python",
        "fix": "https://github.com/GoogleCloudPlatform/terraform-genai-knowledge-base/pull/91",
    }, sort_keys=False))
    case = {
        "id": CASE_ID,
        "title": "Fresh deploy of the knowledge-base solution fails: webhook function's Cloud Run revision never becomes ready",
        "target": {"project_id": P, "region": R, "target_type": "service", "target_name": SVC},
        "window": {"start": "2024-03-27T19:30:00Z", "end": "2024-03-27T20:30:00Z"},
        "repo": "repo",
        "lang": "en",
        "provenance": {
            "sources": ["https://github.com/GoogleCloudPlatform/terraform-genai-knowledge-base/pull/91"],
            "verbatim": ["Could not create or update Cloud Run service webhook-7b5fb8, Container Healthcheck failed.",
                         "Revision 'webhook-7b5fb8-00001-mil' is not ready and cannot serve traffic.",
                         "webhook-7b5fb8-00001-mil",
                         "google_cloudfunctions2_function.webhook: Creation errored after 1m41s",
                         "Error waiting for Creating function: Error code 3, message: "],
            "reconstructed": (
                "PR #91 says deployments of the solution started failing without any change in the repository; "
                "its Terraform error shows the 2nd-gen function's Cloud Run service webhook-7b5fb8 failing its "
                "container health check with revision webhook-7b5fb8-00001-mil not ready (the readable excerpt of "
                "the message stops at 'The user-provide'; the rest is Cloud Run's standard wording), and the fix, "
                "following a StackOverflow post about the Vertex AI SDK import raising AttributeError for module "
                "'bigframes', pins bigframes<1.0.0 in webhook/requirements.txt. The app's own logs are not in the "
                "source: the Python traceback (functions-framework loading /workspace/main.py, line 25 'import "
                "vertexai', ending in AttributeError: module 'bigframes' has no attribute 'dataframe'), its frames "
                "and line numbers, 'Container called exit(1).', the startup-probe lines, the Cloud Build "
                "(buildpacks) log that installs bigframes-1.0.0, the Terraform apply output around the quoted error (resources from main.tf, timings invented), the Terraform-driven audit entries, the "
                "CreateFunction operation ending with code 3, an unrelated Vertex AI index-build log stream, the "
                "project kb-jss-demo-4417 / number, env values and all times (2024-03-27, the day before the fix "
                "merged) are reconstructed with seed 91. The function settings (python312, entry point "
                "on_cloud_event, 4G, 300s, env var names) come from main.tf at the pre-fix commit 0457df4."),
            "project": "GoogleCloudPlatform/terraform-genai-knowledge-base",
            "language": "python",
            "covers": ["regression"],
        },
        "expect": {
            "root_causes": ["container-crash", "bad-deploy-regression"],
            "not_above": ["port-bind-mismatch", "startup-probe-failure", "image-or-deploy-failure"],
            "must_cite": [
                ["webhook/requirements.txt:17", "webhook/requirements.txt:21", "webhook/main.py:25"],
                [f"run.googleapis.com/stderr#{d['traceback']['insertId']}",
                 f"cloudbuild#{d['installed']['insertId']}"],
            ],
        },
    }
    (out / "case.yaml").write_text(yaml.safe_dump(case, sort_keys=False, allow_unicode=True, width=110))
    return len(g.entries)


if __name__ == "__main__":
    n = write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "real")
    print(n)

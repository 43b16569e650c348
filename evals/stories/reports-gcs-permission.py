# ruff: noqa: E501  (embedded application code keeps its own line lengths)
"""report-builder: a bucket IAM clean-up removed the runtime service account's write access; uploads 403.

Story: the security team applied a Terraform change that made the reports
bucket's IAM authoritative (google_storage_bucket_iam_policy) and the
report-builder service account was not in the new policy. From 02:10 UTC
every report generation fails when the Spring service stores the PDF: GCS
answers 403 storage.objects.create denied. The service itself was not
deployed for a week.
"""

from __future__ import annotations

import casegen as g

CONTROLLER = '''\
package jp.example.reports;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.*;

@RestController
@RequestMapping("/api/reports")
public class ReportController {
    private final ReportRenderer renderer;
    private final ReportStore store;

    public ReportController(ReportRenderer renderer, ReportStore store) {
        this.renderer = renderer;
        this.store = store;
    }

    @PostMapping
    public ResponseEntity<ReportRef> create(@RequestBody ReportRequest request) {
        byte[] pdf = renderer.render(request);
        String uri = store.save(request.tenantId(), request.reportId(), pdf);
        return ResponseEntity.status(201).body(new ReportRef(request.reportId(), uri));
    }

    @GetMapping("/{tenantId}/{reportId}")
    public ResponseEntity<ReportRef> get(@PathVariable String tenantId, @PathVariable String reportId) {
        return ResponseEntity.ok(new ReportRef(reportId, store.uriOf(tenantId, reportId)));
    }
}
'''

STORE = '''\
package jp.example.reports;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

@Component
public class ReportStore {
    private final Storage storage;
    private final String bucket;

    public ReportStore(Storage storage, @Value("${reports.bucket}") String bucket) {
        this.storage = storage;
        this.bucket = bucket;
    }

    public String save(String tenantId, String reportId, byte[] pdf) {
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, objectName(tenantId, reportId)))
                .setContentType("application/pdf")
                .build();
        storage.create(info, pdf);
        return uriOf(tenantId, reportId);
    }

    public String uriOf(String tenantId, String reportId) {
        return "gs://" + bucket + "/" + objectName(tenantId, reportId);
    }

    private static String objectName(String tenantId, String reportId) {
        return "tenants/" + tenantId + "/reports/" + reportId + ".pdf";
    }
}
'''

APP_PROPS = '''\
server.port=${PORT:8080}
reports.bucket=${REPORTS_BUCKET:mirai-reports-prod}
spring.main.lazy-initialization=false
logging.level.root=INFO
'''

TF = '''\
resource "google_cloud_run_v2_service" "report_builder" {
  name     = "report-builder"
  location = "asia-northeast1"

  template {
    service_account = google_service_account.report_builder.email
    timeout         = "120s"

    containers {
      image = "asia-northeast1-docker.pkg.dev/mirai-analytics/apps/report-builder:${var.tag}"
      resources {
        limits = {
          cpu    = "2"
          memory = "2Gi"
        }
        startup_cpu_boost = true
      }
      env {
        name  = "REPORTS_BUCKET"
        value = "mirai-reports-prod"
      }
    }
  }
}

resource "google_service_account" "report_builder" {
  account_id = "report-builder"
}

# Granted by the platform team's bucket module (infra/platform/buckets.tf) until 2026-04.
# resource "google_storage_bucket_iam_member" "report_builder_writer" { ... }
'''

DOCKERFILE = '''\
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
RUN ./gradlew --no-daemon bootJar

FROM eclipse-temurin:21-jre
COPY --from=build /src/build/libs/report-builder.jar /app.jar
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app.jar"]
'''

STACK = """\
2026-04-14T{hms}.{ms}Z ERROR 1 --- [report-builder] [nio-8080-exec-{n}] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Request processing failed: com.google.cloud.storage.StorageException: report-builder@mirai-analytics.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist).] with root cause

com.google.api.client.googleapis.json.GoogleJsonResponseException: 403 Forbidden
POST https://storage.googleapis.com/upload/storage/v1/b/mirai-reports-prod/o?projection=full&uploadType=multipart
{{
  "code" : 403,
  "errors" : [ {{
    "domain" : "global",
    "message" : "report-builder@mirai-analytics.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist).",
    "reason" : "forbidden"
  }} ],
  "message" : "report-builder@mirai-analytics.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist)."
}}
	at com.google.api.client.googleapis.json.GoogleJsonResponseException.from(GoogleJsonResponseException.java:146)
	at com.google.cloud.storage.spi.v1.HttpStorageRpc.create(HttpStorageRpc.java:361)
	at com.google.cloud.storage.StorageImpl.internalCreate(StorageImpl.java:238)
	at com.google.cloud.storage.StorageImpl.create(StorageImpl.java:199)
	at jp.example.reports.ReportStore.save(ReportStore.java:23)
	at jp.example.reports.ReportController.create(ReportController.java:20)"""


def build() -> g.Case:
    c = g.Case("reports-gcs-permission", "report-builder: レポート作成がすべて 500 になる",
               project="mirai-analytics", region="asia-northeast1", target_type="service", target_name="report-builder",
               start="2026-04-14T01:30:00Z", end="2026-04-14T03:00:00Z", lang="ja")
    c.add_files({"src/main/java/jp/example/reports/ReportController.java": CONTROLLER,
                 "src/main/java/jp/example/reports/ReportStore.java": STORE,
                 "src/main/resources/application.properties": APP_PROPS,
                 "infra/cloud_run.tf": TF, "Dockerfile": DOCKERFILE,
                 "settings.gradle": 'rootProject.name = "report-builder"\n'})
    rev = "report-builder-00016-kec"
    sa = "report-builder@mirai-analytics.iam.gserviceaccount.com"
    tmpl = g.template([g.container("report-builder-1", "asia-northeast1-docker.pkg.dev/mirai-analytics/apps/report-builder:2.8.0",
                                   cpu="2", memory="2Gi", boost=True, env={"REPORTS_BUCKET": "mirai-reports-prod"})],
                      service_account=sa, max_instances=10, timeout="120s")
    c.add_service("report-builder", [{"name": rev, "tmpl": tmpl, "created": "2026-04-07T04:12:30Z"}], traffic=[(rev, 100)],
                  creator="terraform@mirai-analytics.iam.gserviceaccount.com", created="2025-07-01T00:00:00Z", client="terraform")
    res = c.res("report-builder", rev)
    host = c.host("report-builder")
    insts = [c.logs.instance_id(), c.logs.instance_id()]
    change = g.at(c.start, minutes=40, seconds=12)
    ok = [g.Route("POST", "/api/reports", 1, 2600, {201: 1.0}), g.Route("GET", "/api/reports/t-{id}/r-{id}", 2, 20)]
    c.logs.traffic(res, c.start, change, 130, ok, insts, host, agents=["mirai-web/6.1"])
    iam = c.logs.audit(change, g.Res("gcs_bucket", {"project_id": "mirai-analytics", "bucket_name": "mirai-reports-prod",
                                                    "location": "asia-northeast1"}),
                       method="storage.setIamPermissions", principal="secops-terraform@mirai-security.iam.gserviceaccount.com",
                       resource_name="projects/_/buckets/mirai-reports-prod", service_name="storage.googleapis.com",
                       user_agent="Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-google/6.12.0",
                       request={"@type": "type.googleapis.com/google.iam.v1.SetIamPolicyRequest",
                                "policy": {"bindings": [{"role": "roles/storage.objectViewer", "members": ["group:analysts@mirai.example"]},
                                                        {"role": "roles/storage.admin", "members": ["group:platform-admins@mirai.example"]}]}},
                       response={"@type": "type.googleapis.com/google.iam.v1.Policy"})
    c.logs.traffic(res, change, c.end, 160, ok[1:], insts, host, agents=["mirai-web/6.1"])
    errs, fails = [], []
    for n in range(60):
        ts = g.at(change, seconds=30 + c.rng.random() * 4900)
        inst = c.rng.choice(insts)
        trace = c.logs.trace()
        errs.append(c.logs.app(ts, res, inst, STACK.format(hms=ts.strftime("%H:%M:%S"), ms=f"{ts.microsecond // 1000:03d}", n=1 + n % 10),
                               stream="stdout", trace=trace))
        fails.append(c.logs.request(ts, res, inst, "POST", f"https://{host}/api/reports", 500, c.rng.uniform(1.8, 3.2),
                                    trace=trace, user_agent="mirai-web/6.1", ended=True))
    c.expect = {
        "root_causes": ["permission-denied"],
        "must_cite": [
            [f"run.googleapis.com/stdout#{i}" for i in errs],
            [c.cite("src/main/java/jp/example/reports/ReportStore.java", "storage.create(info, pdf);")],
        ],
        "data_gaps": ["cloud_monitoring"],
    }
    assert iam
    return c

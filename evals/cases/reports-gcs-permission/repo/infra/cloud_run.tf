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

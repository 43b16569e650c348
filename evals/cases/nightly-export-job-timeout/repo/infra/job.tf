resource "google_cloud_run_v2_job" "nightly_export" {
  name     = "nightly-export"
  location = "asia-northeast1"

  template {
    task_count  = 8
    parallelism = 4

    template {
      service_account = "nightly-export@hoshi-data.iam.gserviceaccount.com"
      max_retries     = 1
      timeout         = "600s"

      containers {
        image = "asia-northeast1-docker.pkg.dev/hoshi-data/jobs/nightly-export:${var.tag}"
        resources {
          limits = {
            cpu    = "2"
            memory = "4Gi"
          }
        }
      }
    }
  }
}

resource "google_cloud_scheduler_job" "nightly_export" {
  name     = "nightly-export"
  schedule = "0 3 * * *"
  time_zone = "Asia/Tokyo"
  http_target {
    http_method = "POST"
    uri         = "https://run.googleapis.com/v2/projects/hoshi-data/locations/asia-northeast1/jobs/nightly-export:run"
    oauth_token {
      service_account_email = "scheduler@hoshi-data.iam.gserviceaccount.com"
    }
  }
}

resource "google_cloud_run_v2_service" "ledger_api" {
  name     = "ledger-api"
  location = "europe-west1"

  template {
    service_account = "ledger-api@tally-books.iam.gserviceaccount.com"
    timeout         = "300s"
    max_instance_request_concurrency = 8

    containers {
      image = "europe-west1-docker.pkg.dev/tally-books/svc/ledger-api:${var.tag}"
      resources {
        limits = {
          cpu    = "1"
          memory = "1Gi"
        }
      }
      env {
        name  = "DATABASE_URL"
        value = "postgresql://ledger@10.70.0.3/ledger"
      }
    }
  }
}

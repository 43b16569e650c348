resource "google_cloud_run_v2_service" "ingest_gateway" {
  name     = "ingest-gateway"
  location = "europe-west1"

  template {
    service_account                  = "ingest-gateway@lumen-media.iam.gserviceaccount.com"
    timeout                          = "900s"
    max_instance_request_concurrency = 20

    scaling {
      max_instance_count = 12
    }

    containers {
      image = "europe-west1-docker.pkg.dev/lumen-media/svc/ingest-gateway:${var.release}"
      resources {
        limits = {
          cpu    = "2"
          memory = "1Gi"
        }
      }
      env {
        name  = "UPLOAD_BUCKET"
        value = "lumen-ingest-raw"
      }
      env {
        name  = "RUST_LOG"
        value = "info"
      }
    }
  }
}

variable "release" {
  type = string
}

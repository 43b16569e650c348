resource "google_cloud_run_v2_service" "thumbnailer" {
  name     = "thumbnailer"
  location = "asia-northeast1"

  template {
    service_account                  = "thumbnailer@kumo-photo.iam.gserviceaccount.com"
    max_instance_request_concurrency = 80

    scaling {
      max_instance_count = 4 # cost cap agreed with finance (2025-11)
    }

    containers {
      image = "asia-northeast1-docker.pkg.dev/kumo-photo/svc/thumbnailer:${var.tag}"
      resources {
        limits = {
          cpu    = "1"
          memory = "2Gi"
        }
      }
    }
  }
}

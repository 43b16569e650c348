resource "google_cloud_run_v2_service" "storefront_api" {
  name     = "storefront-api"
  location = "us-central1"

  template {
    service_account                  = "storefront-api@greenleaf-shop.iam.gserviceaccount.com"
    max_instance_request_concurrency = 80
    timeout                          = "30s"

    scaling {
      min_instance_count = 2
      max_instance_count = 40
    }

    containers {
      image = "us-central1-docker.pkg.dev/greenleaf-shop/svc/storefront-api:${var.tag}"
      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        startup_cpu_boost = true
      }
      env {
        name  = "FIRESTORE_PROJECT"
        value = "greenleaf-shop"
      }
    }
  }
}

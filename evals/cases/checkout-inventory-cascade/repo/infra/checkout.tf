resource "google_cloud_run_v2_service" "checkout" {
  name     = "checkout"
  location = "us-central1"

  template {
    service_account                  = "checkout@bluejay-commerce.iam.gserviceaccount.com"
    max_instance_request_concurrency = 10
    timeout                          = "60s"

    scaling {
      min_instance_count = 2
      max_instance_count = 5
    }

    containers {
      image = "us-central1-docker.pkg.dev/bluejay-commerce/svc/checkout:${var.tag}"
      env {
        name  = "INVENTORY_URL"
        value = "https://inventory-uc3xk2ahba-uc.a.run.app"
      }
    }
  }
}

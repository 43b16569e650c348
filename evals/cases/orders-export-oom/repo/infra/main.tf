resource "google_cloud_run_v2_service" "orders_api" {
  name     = "orders-api"
  location = "asia-northeast1"
  ingress  = "INGRESS_TRAFFIC_ALL"

  template {
    service_account                  = google_service_account.orders_api.email
    max_instance_request_concurrency = 40
    timeout                          = "300s"

    scaling {
      min_instance_count = 1
      max_instance_count = 20
    }

    containers {
      image = "asia-northeast1-docker.pkg.dev/acme-shop-prod/apps/orders-api:${var.image_tag}"
      ports {
        container_port = 8080
      }
      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        cpu_idle = true
      }
      env {
        name  = "DATABASE_URL"
        value = "postgresql://orders@10.20.0.3/orders"
      }
    }

    vpc_access {
      connector = google_vpc_access_connector.main.id
      egress    = "PRIVATE_RANGES_ONLY"
    }
  }
}

resource "google_service_account" "orders_api" {
  account_id   = "orders-api"
  display_name = "orders-api runtime"
}

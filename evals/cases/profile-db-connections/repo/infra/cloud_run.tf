resource "google_cloud_run_v2_service" "profile_api" {
  name     = "profile-api"
  location = "us-central1"

  template {
    service_account                  = "profile-api@orbit-accounts.iam.gserviceaccount.com"
    max_instance_request_concurrency = 80

    scaling {
      min_instance_count = 2
      max_instance_count = 20
    }

    vpc_access {
      network_interfaces {
        network    = "shared-vpc"
        subnetwork = "run-us-central1"
      }
      egress = "PRIVATE_RANGES_ONLY"
    }

    containers {
      image = "us-central1-docker.pkg.dev/orbit-accounts/svc/profile-api:${var.tag}"
      env {
        name  = "DATABASE_URL"
        value = "postgres://profile@10.60.0.7:5432/profiles?pool_max_conns=10&sslmode=require"
      }
    }
  }
}

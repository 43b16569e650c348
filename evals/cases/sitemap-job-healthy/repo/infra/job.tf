resource "google_cloud_run_v2_job" "sitemap_builder" {
  name     = "sitemap-builder"
  location = "us-central1"

  template {
    task_count  = 10
    parallelism = 5

    template {
      service_account = "sitemap-builder@lumo-web.iam.gserviceaccount.com"
      max_retries     = 3
      timeout         = "900s"
      containers {
        image = "us-central1-docker.pkg.dev/lumo-web/jobs/sitemap-builder:${var.tag}"
        env {
          name  = "SITEMAP_BUCKET"
          value = "lumo-sitemaps"
        }
      }
    }
  }
}

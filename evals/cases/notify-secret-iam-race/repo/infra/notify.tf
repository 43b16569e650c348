resource "google_secret_manager_secret" "slack_webhook" {
  secret_id = "slack-webhook-url"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_member" "notify_slack" {
  secret_id = google_secret_manager_secret.slack_webhook.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.notify.email}"
}

resource "google_service_account" "notify" {
  account_id = "notify"
}

resource "google_cloud_run_v2_service" "notify" {
  name     = "notify"
  location = "asia-northeast1"

  template {
    service_account = google_service_account.notify.email

    containers {
      image = "asia-northeast1-docker.pkg.dev/minato-ops/svc/notify:${var.tag}"
      env {
        name  = "MAIL_FROM"
        value = "noreply@minato.example"
      }
      env {
        name = "SLACK_WEBHOOK_URL"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.slack_webhook.secret_id
            version = "latest"
          }
        }
      }
    }
  }
}

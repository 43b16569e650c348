output "service_url" {
  value = google_cloud_run_v2_service.sitebookify.uri
}

output "artifact_bucket" {
  value = google_storage_bucket.artifacts.name
}

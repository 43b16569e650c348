variable "project_id" {
  type        = string
  description = "GCP project that hosts sitebookify."
}

variable "region" {
  type    = string
  default = "asia-northeast1"
}

variable "service_name" {
  type    = string
  default = "sitebookify"
}

variable "container_image" {
  type        = string
  description = "Full image reference, e.g. asia-northeast1-docker.pkg.dev/p/sitebookify/app:sha-abc."
}

variable "max_instances" {
  type        = number
  description = "Upper bound on Cloud Run instances (keeps the bill small)."
  default     = 1
}

variable "concurrency" {
  type        = number
  description = "Requests one instance handles at once."
  default     = 1
}

variable "bucket_name" {
  type    = string
  default = null
}

"""Deploy configuration: Terraform, Knative YAML, gcloud in scripts and workflows, Dockerfiles, Cloud Build, Pulumi.

Takes a checkout; gives canonical settings (the same names as live config) at `path:line`.
"""

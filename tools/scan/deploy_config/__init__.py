"""Deploy configuration: Terraform, Knative YAML, gcloud in scripts and workflows, Dockerfiles, Cloud Build, Pulumi.

Takes a checkout; gives canonical settings (the same names as live config) at `path:line`.
Must not read live config (sources/run/ does): a declared value is what the repository says, not what runs.
"""

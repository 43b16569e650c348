"""cloud-run-observability: deterministic tools behind the Cloud Run incident skill."""

__version__ = "0.1.0"

"""Scan: the repository the target is built from: application code and deploy configuration.

Takes a checkout path; gives findings and settings cited at exact `path:line`.
Must not import analysis/, report/ or sinks/.
"""

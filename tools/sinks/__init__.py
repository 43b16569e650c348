"""Sinks: where a finished report goes beyond files and stdout (a Trello attachment).

Takes a validated report already written to disk; must never lose it when the upload fails.
"""

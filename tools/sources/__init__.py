"""Sources: Cloud Logging, the Cloud Run Admin API, Cloud Monitoring, audit-log deploy events, the Trello card.

Takes a target and a window; gives plain records, settings and data gaps with exact raw refs.
Must not import analysis/, report/ or sinks/: a source reports what it read, never what it means.
"""

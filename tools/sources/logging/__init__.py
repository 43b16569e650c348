"""Cloud Logging: the filter language, paged entries.list reads (`cloud_logging` fetches logs), normalised entries.

Takes a project, a filter and a window; gives normalised records and data gaps for what was cut or denied.
Must not interpret entries (that is analysis/), and never reads more than its limit without a data gap.
"""

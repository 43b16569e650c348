"""Cloud Run Admin API: services, revisions, jobs, executions, tasks, as summaries and canonical settings.

Takes a project, region and name; gives settings with `resource#field` refs, conditions and revision history.
Must not judge a setting (rules do that) nor write to the API: every call here is a read.
"""

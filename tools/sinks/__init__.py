"""Sinks: where a finished report goes beyond files and stdout (a Trello attachment).

Takes a validated report already written to disk; gives the posted attachment or comment,
and never loses the report when the upload fails.
Must not build or change a report: it only delivers one that was validated and written.
"""

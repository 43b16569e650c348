"""Evaluation: runs `crobs investigate` on incident cases and scores the reports against their expectations.

Takes case directories; gives per-case checks and set summaries.
Must not call the pipeline in-process or change a case: it runs `crobs investigate` as a user would.
"""

"""Evaluation: runs `crobs investigate` on incident cases and scores the reports against their expectations.

Takes case directories; gives per-case checks and set summaries. Imports only the report stage and leaf modules.
"""

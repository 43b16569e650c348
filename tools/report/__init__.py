"""Report: builds the report from candidates and evidence, validates it, renders and parses Markdown (`render.py`).

Takes analysis output; gives report.json / report.md that pass schemas/report.schema.json.
Must not import sources/ or sinks/.
"""

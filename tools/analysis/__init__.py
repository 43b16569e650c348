"""Analysis: turns records, settings and findings into ranked candidates, fix and prevention plans.

Takes what sources/ and scan/ gave; gives evidence items, candidates (`ranking.py` ranks them), plans.
Must not call an API or read files other than its YAML catalogs; must not import report/ or sinks/.
"""

"""Analysis: turns records, settings and findings into ranked candidates, fix and prevention plans.

Takes what sources/ and scan/ gave; gives evidence items, candidates (`ranking.py` ranks them), plans.
Must not call an API (it works on what the sources gave); must not import report/ or sinks/.
"""

"""Log digests: signature hits, message templates, latency, lifecycle and per-minute timelines of a log set.

Takes normalised records (streamed, any size); gives bounded summaries with example refs.
Must not hold every record in memory nor fetch anything: it reads the stream it is given.
"""

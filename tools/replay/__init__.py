"""Replay: the offline twin of the Google and Trello REST APIs, serving a case directory, and the recorder.

Takes a case directory (recorded API responses); gives loopback endpoints under the real REST paths.
Must not be imported by the pipeline stages: only the orchestrators, tests and `crobs record` use it.
"""

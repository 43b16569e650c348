"""Offline twin of the Google and Trello REST APIs, serving a case directory."""

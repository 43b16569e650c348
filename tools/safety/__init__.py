"""Safety: what every stage applies to text on its way out of the process.

Takes strings and JSON values from any stage (log payloads, card text, repo lines, tool results) and
gives them back masked (secrets), neutralised (Markdown, control and bidi characters) or written
atomically. A leaf like `tools.errors`: every stage may import it.

Must not import any stage, call a network, or decide what is evidence: it only changes how text
leaves, never which facts the report holds.
"""

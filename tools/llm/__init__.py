"""The optional LLM layer: an Anthropic tool-use loop over the manifest's tools.

Takes the deterministic report and digest of an investigation, the manifest's read-only tools and a
model; gives a report the model checked and refined, validated like any other, or the deterministic
report with a data gap when the model fails.

Must not invent evidence: a row the model adds must come from a tool result of this run, and
nothing is sent to the model without passing the masking step.
"""

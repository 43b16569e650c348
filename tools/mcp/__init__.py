"""The MCP adapter: every manifest tool served over stdio.

Takes the manifest (skill.yaml) and tool calls from an MCP client; gives the tools' results in-band,
masked and within the tool result budget, errors included.

Must not write anything but protocol to stdout, nor declare a tool the manifest does not.
"""

"""Evidence items: one plain dict per fact (a signature, a status burst, a setting, a finding, a change).

Takes the collected bundle; gives items with raw refs, strengths and exclusions that the rules read.
Must not rank or decide: an item states one fact with its ref; rules.py and ranking.py weigh them.
"""

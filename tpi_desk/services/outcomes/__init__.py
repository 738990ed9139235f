"""Outcomes of signed notes: pain before and after, and relief, over time by group."""

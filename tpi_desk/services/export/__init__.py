"""Billing export: notes as PDF, claim lines, session documents."""

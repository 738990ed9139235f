"""Clinic-wide settings."""

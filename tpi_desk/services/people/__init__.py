"""Accounts, sign-in, passwords, providers and patients."""

"""Administrator screens: user accounts, clinic settings and the audit report."""

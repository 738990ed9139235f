"""Building TPI Desk as an app for people without Python (PyInstaller, see docs/installer.md)."""

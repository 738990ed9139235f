"""The `tpi-desk` subcommands, each in its own module."""

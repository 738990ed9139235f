"""TPI Desk: document trigger point injection and dry-needling sessions."""

__version__ = "0.1.0"

"""Pure clinical domain: catalog, coding, dose math, validation, payer checks (stdlib only)."""

"""Pure clinical domain: catalog, coding rules, dose math, validation, payer checks (stdlib only)."""

"""The outcomes dashboard (issue 15): its menu entry, dialog and chart."""

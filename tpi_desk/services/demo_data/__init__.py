"""Synthetic demo data in bulk: invented patients and sessions, Core inserts in chunks.

``generate_demo_data`` (in ``generation``) is the entry point; the other modules each do one
part: ``vocabulary`` (what sessions are made of), ``timeline`` (when they happen),
``people`` (ids, clinicians, patients), ``bodies`` (clinical contents), ``session_rows``
(the per-session hot loop), ``bulk_insert`` (bound multi-row INSERTs) and ``signatures``
(signing the past notes as the app does).
"""

from tpi_desk.services.demo_data.generation import DemoDataResult, generate_demo_data

__all__ = ["DemoDataResult", "generate_demo_data"]

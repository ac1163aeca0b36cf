"""Prefinancing: a member is paid an advance on an issued invoice before the client pays it,
within the entity's policy, covered by a guarantee fund (docs/prefinancing.md)."""

"""Kept for existing imports: the ODS writer is shared plumbing, in portal.opendocument."""

from portal.opendocument import write_ods

__all__ = ["write_ods"]

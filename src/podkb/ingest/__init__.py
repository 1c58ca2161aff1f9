"""Ingest: decode, detect the format, strip page chrome, read turns, resolve speakers."""

from .pipeline import FileResult, IngestReport, discover, ingest_paths, parse_file

__all__ = ["FileResult", "IngestReport", "discover", "ingest_paths", "parse_file"]

"""Spec data: what an OpenAPI or Swagger document says about each operation, kept
compact and per route (:mod:`.operation`, :mod:`.schema`), and the checks of requests
and answers against it (:mod:`.check`).  Pure, no I/O; jsonschema is imported only
when an answer is checked."""

from explorer.spec.operation import Operation, SpecDocument

__all__ = ["Operation", "SpecDocument"]

"""SHA-256 without OpenSSL's start-up: the one hash explorer names files and
fingerprints with.

``import hashlib`` loads OpenSSL's library first (3 ms here), which a Tab's completion
(it reads the discovery cache and sends nothing) would pay for one digest of a cache
key.  CPython ships its own SHA-256 module, which loads in 0.4 ms; the digest is the
same.  Where it is missing (another interpreter), hashlib's is used.
"""

from __future__ import annotations

from typing import Any


def sha256(data: bytes = b"") -> Any:
    """A SHA-256 hash object (``update``, ``hexdigest``), as ``hashlib.sha256``."""
    try:
        from _sha256 import sha256 as make  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256 as make  # CPython 3.12 and later
        except ImportError:
            from hashlib import sha256 as make
    return make(data)

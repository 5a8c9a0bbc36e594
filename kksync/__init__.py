"""kksync — keeps Copenhagen's IT action plans in SharePoint in step with one canonical model.

Importing the package is cheap on purpose: the core (``kksync.core.model``, ``kksync.core.schema``,
``kksync.core.mapping``, ``kksync.checks``) pulls in pydantic and the standard library only.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]

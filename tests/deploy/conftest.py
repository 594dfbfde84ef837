"""Fixtures of the deploy tests: the throwaway root that install.sh ran into twice."""

from __future__ import annotations

from tests.deploy.installed import installed

__all__ = ["installed"]

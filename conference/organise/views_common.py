"""Queries shared by the organiser views."""

from __future__ import annotations

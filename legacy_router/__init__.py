"""Forwarding of courses still on edx-proctoring to its REST API in the LMS (see docs/legacy_router.md)."""

"""The list of every visitor page, shared by the route and browser tests."""

from __future__ import annotations

from kiosk.visitor import content

VISITOR_PATHS = ["/", "/topics", "/talk-to-staff", "/talk-to-staff/urgent"] + [
    f"/topics/{topic.slug}" for topic in content.TOPICS
]

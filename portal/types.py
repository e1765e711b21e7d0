"""Type names shared by the apps' signatures."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from portal.models import User

# Whoever makes a request: a signed-in person or an anonymous visitor.
Visitor: TypeAlias = User | AnonymousUser

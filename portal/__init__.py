"""Chantiers communs: the site-wide package (settings, URLs, Celery, users, home page)."""

from .celery import app as celery_app

__all__ = ("celery_app",)

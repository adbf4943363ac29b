"""Django settings made in code, so the example needs no project skeleton."""

from __future__ import annotations

import sys

import django
from django.conf import settings


def configure() -> None:
    """Configures Django for this app once (later calls do nothing)."""
    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY="django-insecure-example-only",
        ALLOWED_HOSTS=["testserver", "localhost"],
        ROOT_URLCONF="django_shop.urls",
        INSTALLED_APPS=["django_shop"],
        DATABASES={},
        USE_TZ=True,
    )
    django.setup()


def manage() -> None:
    """``manage.py`` for the example."""
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)

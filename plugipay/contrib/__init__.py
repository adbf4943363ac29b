"""Webhook helpers for web frameworks: ``plugipay.contrib.fastapi`` (FastAPI and Starlette) and
``plugipay.contrib.django``.

Each module imports its framework, and nothing else in ``plugipay`` imports them: import only the
one your app uses. For aiohttp, Flask and the rest, ``plugipay.webhooks.verify`` is the whole job.
"""

"""A minimal Django app using the sync ``PlugipayClient``: a view and a CSV import command.

``django_shop.settings.configure()`` sets Django up in code (no project, no database);
``python -c "import django_shop.settings as s; s.configure(); s.manage()" import_customers rows.csv``
runs the command.
"""

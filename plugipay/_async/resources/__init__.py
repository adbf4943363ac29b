"""Resource namespaces of the client: ``plug.workspaces``, ``plug.customers`` and the rest."""

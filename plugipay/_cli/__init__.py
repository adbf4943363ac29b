"""What runs from a shell (``python -m plugipay …``): the demo. Not part of the core tiers: it
imports the clients, anyio and the emulator."""

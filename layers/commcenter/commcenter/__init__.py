"""commcenter: the shared layer of the communication center (settings, domain, data access)."""

__version__ = "0.1.0"

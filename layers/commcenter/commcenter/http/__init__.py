"""What the API-Gateway-facing functions share: the Chalice app factory, request parsing, errors."""

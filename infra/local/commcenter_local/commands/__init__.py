"""One module per `commcenter` command; each has `register(subparsers)` and sets `run`."""

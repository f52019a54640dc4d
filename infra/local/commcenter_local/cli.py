"""`commcenter`: the command line of the local stack. One module per command under `commands/`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from commcenter_local.commands import dev, import_csv, openapi, screenshots, seed, simulate, sync_mailbox, token

COMMANDS = (dev, token, seed, import_csv, simulate, sync_mailbox, openapi, screenshots)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="commcenter", description="commcenter's local stack and tools")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())

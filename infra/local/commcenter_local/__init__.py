"""The local stack: runs `template.yaml` on this machine against real parts, without Docker."""

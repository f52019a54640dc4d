"""Pure domain code: no AWS, no Twilio, no I/O."""

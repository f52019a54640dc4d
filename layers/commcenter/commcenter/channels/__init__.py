"""Channel adapters: what is specific to Twilio (and later IMAP) stays here, at the edge."""

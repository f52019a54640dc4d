"""Matching: from the address a call, SMS or email came from, to the record it belongs to."""

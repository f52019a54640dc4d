"""Data access: one module per DynamoDB table, each the only code that reads or writes its table."""

"""Business actions, one module per action family; they compose the table modules in `data`."""

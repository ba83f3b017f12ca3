"""The case log: pupils' cases, their events and the evaluation of measures (product.md §6)."""

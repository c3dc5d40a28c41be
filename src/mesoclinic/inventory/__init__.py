"""The clinic's catalogue: products, their ingredients, and the lots received."""

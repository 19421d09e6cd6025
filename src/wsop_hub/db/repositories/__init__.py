"""All SQL lives here. Repositories never commit: the unit of work does."""

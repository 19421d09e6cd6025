"""Pure domain: models, enums and rules. Imports nothing from db, api or redis."""

"""PostgreSQL access: metadata, engine, unit of work, repositories, migrations runner."""

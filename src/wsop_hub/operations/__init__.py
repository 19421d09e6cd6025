"""Operations: what the engineer sees (monitoring read side) and does (admin actions)."""

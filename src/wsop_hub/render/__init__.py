"""Render pipeline: templates, binding, the built-in renderer and Nexrender (SPEC §7)."""

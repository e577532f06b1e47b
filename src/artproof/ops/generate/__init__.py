"""Built-in generators. ``generate.cppn`` is always available; diffusion is an optional extra."""

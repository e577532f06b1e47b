"""The studio: create, vary, select, edit, import and replay: the work's recorded life."""

"""Storage: the content-addressed blob store and the SQL repositories."""

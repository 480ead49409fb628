"""Finding a record by its number: the header's search box (lots, SCARs, parts)."""

"""Running the site: answers while the database is down, backups and restores."""

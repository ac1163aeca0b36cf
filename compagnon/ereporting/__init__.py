"""E-reporting of the French reform (sales to individuals and abroad, payments for services) and
the connection to a certified platform (PDP) through the standard Flow Service API."""

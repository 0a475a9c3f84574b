"""Thin command handlers: read the update, call a service, reply. No business logic here."""

"""The bot's services: plain functions over the store, with no telegram imports.

Handlers (``bot.telegram.handlers``) and the console call these and only format the edge.
"""

"""Billing's rules as pure functions of dates and data: no nameko, no SQLAlchemy, no clock of their own.

Money is integer cents (``int``); every division goes through :func:`money.div_round`, which rounds half up
(kaufmännisches Runden) to whole cents. Every rule takes the day it is evaluated on as an argument, so tests move
the clock by passing another date.
"""

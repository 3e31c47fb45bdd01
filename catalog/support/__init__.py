"""Support: plans and subscriptions, the request wizard and routing, tickets, and the desk.

* ``plans/`` — plans, subscriptions, named contacts and the monthly incident quota.
* ``wizard/`` — the request wizard ``/support/new`` and the routing decision.
* ``tickets/`` — tickets, their lifecycle, service-level clocks and consulting quotes.
* ``desk/`` — each role's queue and the ticket page.

The calendar arithmetic the clocks use lives in ``catalog.businesstime``.
"""

"""Made-up but realistic data for the demo workspace: people, phones, INNs, cities, specs.

Everything here is pure and deterministic for a given random.Random; operator_app.core.demo
writes it to the database.
"""

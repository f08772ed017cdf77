"""Test support: real PostgreSQL and RabbitMQ, isolated per run (see ``svckit.testing.plugin``)."""

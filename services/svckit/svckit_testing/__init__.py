"""Test support: real PostgreSQL and RabbitMQ, isolated per run (see ``svckit_testing.plugin``)."""

"""Events the billing service publishes (past tense) and their payload builders: plain JSON, never ORM objects."""
